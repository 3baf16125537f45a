// The cluster: a JobManager that accepts jobs by name and runs them in the slots of its TaskManagers, the
// Flink-compatible REST API on Hummingbird (every endpoint declared once as a `*Headers` type and used by the
// server, the client and the tests), Prometheus metrics named like Flink's reporter, Flink's configuration keys,
// and the services that run it all until SIGTERM.
//
//   Configuration/  ClusterOptions (every key and default), loading from YAML, environment and -D
//   JobManager/     JobManager, job records and states, slot pool, submissions
//   TaskManager/    the gateway protocol and the in-process TaskManager
//   REST/           endpoint types (Endpoints/), wire messages (Messages/), the server (Server/: routes and
//                   handlers; Views/: snapshots as messages) and the client (Client/: REST and CLI operations)
//   Metrics/        job metrics derived from the runtime's, rates, the Prometheus exposition
//   Services/       REST and metrics servers and the JobManager as swift-service-lifecycle services
//
// REST API (every path also under /v1/): GET /config, /overview, /applications/overview, /jobs, /jobs/overview,
// /jobs/metrics, /jobs/:jobid (+ /plan, /config, /exceptions, /status, /execution-result, /metrics, /yarn-cancel),
// /jobs/:jobid/vertices/:vertexid (+ /subtasks/metrics, /metrics, /watermarks, /backpressure, /subtasktimes,
// /taskmanagers), /taskmanagers (+ /metrics), /taskmanagers/:taskmanagerid (+ /metrics), /jobmanager/config,
// /jobmanager/environment, /jobmanager/metrics, /jars (the catalog: jobs.yaml and compiled jobs);
// PATCH /jobs/:jobid?mode=cancel; POST /jars/:jarid/run (the dashboard's submit: jarid is a job name).
// Submission: POST /jobs/submit-by-name {"job": NAME, "parallelism": N, "parameters": {...}} → 202 {"jobid", "jobUrl"}
// (400 unknown job or parameter, 409 not enough free slots). POST /jobs (a Java JobGraph from `flink run`) → 400.
