#pragma once
#include <libpq-fe.h>

// Character-literal macros such as PG_DIAG_SQLSTATE ('C') are not imported into Swift; these constants are.
static const int swpq_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int swpq_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int swpq_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
