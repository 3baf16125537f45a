// Responses of Apache Flink 2.3 running a job, copied from the shared reference (reference/flink-rest-samples)
// so that the contract tests need nothing outside the repository. Long lists are cut to their first entries.

enum FlinkSamples {
    /// `config.json`
    static let config = #"""
    {
     "refresh-interval": 3000,
     "timezone-name": "Coordinated Universal Time",
     "timezone-offset": 0,
     "flink-version": "2.3.0",
     "flink-revision": "c0f8d1a @ 2026-06-14T16:29:03+02:00",
     "features": {
      "web-submit": true,
      "web-cancel": true,
      "web-rescale": false,
      "web-history": false
     }
    }
    """#

    /// `overview.json`
    static let overview = #"""
    {
     "taskmanagers": 1,
     "slots-total": 4,
     "slots-available": 2,
     "jobs-running": 1,
     "jobs-finished": 12,
     "jobs-cancelled": 0,
     "jobs-failed": 0,
     "flink-version": "2.3.0",
     "flink-commit": "c0f8d1a"
    }
    """#

    /// `jobs.json`
    static let jobs = #"""
    {
     "jobs": [
      {
       "id": "0b38caa5d6f03230e33c3d25878b1477",
       "status": "RUNNING"
      },
      {
       "id": "870c07e9558258950ada78e903403f91",
       "status": "FINISHED"
      }
     ]
    }
    """#

    /// `jobs_overview.json`
    static let jobsOverview = #"""
    {
     "jobs": [
      {
       "jid": "0b38caa5d6f03230e33c3d25878b1477",
       "name": "ClipBench-long-A n=400000000 p=2 mode=json",
       "jobType": "STREAMING",
       "schedulerType": "Default",
       "start-time": 1795907407826,
       "end-time": -1,
       "duration": 25813,
       "state": "RUNNING",
       "last-modification": 1795907408055,
       "tasks": {
        "running": 6,
        "canceling": 0,
        "canceled": 0,
        "total": 6,
        "created": 0,
        "scheduled": 0,
        "deploying": 0,
        "reconciling": 0,
        "finished": 0,
        "initializing": 0,
        "failed": 0
       },
       "pending-operators": 0
      },
      {
       "jid": "870c07e9558258950ada78e903403f91",
       "name": "ClipBench-p2r3 n=24000000 p=2 mode=json",
       "jobType": "STREAMING",
       "schedulerType": "Default",
       "start-time": 1795907339246,
       "end-time": 1795907379545,
       "duration": 40299,
       "state": "FINISHED",
       "last-modification": 1795907379545,
       "tasks": {
        "running": 0,
        "canceling": 0,
        "canceled": 0,
        "total": 6,
        "created": 0,
        "scheduled": 0,
        "deploying": 0,
        "reconciling": 0,
        "finished": 6,
        "initializing": 0,
        "failed": 0
       },
       "pending-operators": 0
      }
     ]
    }
    """#

    /// `jobs_JOBID.json`
    static let jobDetails = #"""
    {
     "jid": "0b38caa5d6f03230e33c3d25878b1477",
     "application-id": "0b38caa5d6f03230e33c3d25878b1477",
     "name": "ClipBench-long-A n=400000000 p=2 mode=json",
     "isStoppable": false,
     "state": "RUNNING",
     "job-type": "STREAMING",
     "schedulerType": "Default",
     "start-time": 1795907407826,
     "end-time": -1,
     "duration": 25906,
     "maxParallelism": -1,
     "now": 1795907433732,
     "timestamps": {
      "INITIALIZING": 1795907407826,
      "RUNNING": 1795907407854,
      "SUSPENDED": 0,
      "RECONCILING": 0,
      "FINISHED": 0,
      "CREATED": 1795907407846,
      "FAILING": 0,
      "FAILED": 0,
      "RESTARTING": 0,
      "CANCELLING": 0,
      "CANCELED": 0
     },
     "vertices": [
      {
       "id": "cbc357ccb763df2852fee8c4fc7d55f2",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "Source: chat-source -> parse-json -> drop-commands -> watermarks",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "RUNNING",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 25779,
       "tasks": {
        "RUNNING": 2,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 0,
        "read-bytes-complete": false,
        "write-bytes": 0,
        "write-bytes-complete": false,
        "read-records": 0,
        "read-records-complete": false,
        "write-records": 0,
        "write-records-complete": false,
        "accumulated-backpressured-time": 0,
        "accumulated-idle-time": 0,
        "accumulated-busy-time": 0.0
       }
      },
      {
       "id": "8d96fc510e75de3baf03ef7367db7d42",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "sliding-count-5s-1s",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "RUNNING",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 25779,
       "tasks": {
        "RUNNING": 2,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 0,
        "read-bytes-complete": false,
        "write-bytes": 0,
        "write-bytes-complete": false,
        "read-records": 0,
        "read-records-complete": false,
        "write-records": 0,
        "write-records-complete": false,
        "accumulated-backpressured-time": 0,
        "accumulated-idle-time": 0,
        "accumulated-busy-time": 0.0
       }
      },
      {
       "id": "c16a96e78194357634f51bcfea60f56a",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "anomaly-detector -> count-anomalies -> counting-sink: Writer",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "RUNNING",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 25779,
       "tasks": {
        "RUNNING": 2,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 0,
        "read-bytes-complete": false,
        "write-bytes": 0,
        "write-bytes-complete": false,
        "read-records": 0,
        "read-records-complete": false,
        "write-records": 0,
        "write-records-complete": false,
        "accumulated-backpressured-time": 0,
        "accumulated-idle-time": 0,
        "accumulated-busy-time": 0.0
       }
      }
     ],
     "status-counts": {
      "RUNNING": 3,
      "FINISHED": 0,
      "CANCELED": 0,
      "DEPLOYING": 0,
      "CANCELING": 0,
      "SCHEDULED": 0,
      "FAILED": 0,
      "RECONCILING": 0,
      "INITIALIZING": 0,
      "CREATED": 0
     },
     "plan": {
      "jid": "0b38caa5d6f03230e33c3d25878b1477",
      "name": "ClipBench-long-A n=400000000 p=2 mode=json",
      "type": "STREAMING",
      "nodes": [
       {
        "id": "c16a96e78194357634f51bcfea60f56a",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "anomaly-detector<br/>+- count-anomalies<br/>   +- counting-sink: Writer<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "8d96fc510e75de3baf03ef7367db7d42",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "8d96fc510e75de3baf03ef7367db7d42",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Window(SlidingEventTimeWindows(5000, 1000), EventTimeTrigger, CountAgg, AttachWindow)<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "cbc357ccb763df2852fee8c4fc7d55f2",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "cbc357ccb763df2852fee8c4fc7d55f2",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Source: chat-source<br/>+- parse-json<br/>   +- drop-commands<br/>      +- watermarks<br/>",
        "optimizer_properties": {}
       }
      ]
     },
     "pending-operators": 0
    }
    """#

    /// `jobs_JOBID_after_cancel.json`
    static let jobDetailsAfterCancel = #"""
    {
     "jid": "0b38caa5d6f03230e33c3d25878b1477",
     "application-id": "0b38caa5d6f03230e33c3d25878b1477",
     "name": "ClipBench-long-A n=400000000 p=2 mode=json",
     "isStoppable": false,
     "state": "CANCELED",
     "job-type": "STREAMING",
     "schedulerType": "Default",
     "start-time": 1795907407826,
     "end-time": 1795907456470,
     "duration": 48644,
     "maxParallelism": -1,
     "now": 1795907456582,
     "timestamps": {
      "INITIALIZING": 1795907407826,
      "RUNNING": 1795907407854,
      "SUSPENDED": 0,
      "RECONCILING": 0,
      "FINISHED": 0,
      "CREATED": 1795907407846,
      "FAILING": 0,
      "FAILED": 0,
      "RESTARTING": 0,
      "CANCELLING": 1795907456423,
      "CANCELED": 1795907456470
     },
     "vertices": [
      {
       "id": "cbc357ccb763df2852fee8c4fc7d55f2",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "Source: chat-source -> parse-json -> drop-commands -> watermarks",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "CANCELED",
       "start-time": 1795907407953,
       "end-time": 1795907456465,
       "duration": 48512,
       "tasks": {
        "RUNNING": 0,
        "FINISHED": 0,
        "CANCELED": 2,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 0,
        "read-bytes-complete": true,
        "write-bytes": 1249280000,
        "write-bytes-complete": true,
        "read-records": 0,
        "read-records-complete": true,
        "write-records": 22043644,
        "write-records-complete": true,
        "accumulated-backpressured-time": 23963,
        "accumulated-idle-time": 33,
        "accumulated-busy-time": 72921.0
       }
      },
      {
       "id": "8d96fc510e75de3baf03ef7367db7d42",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "sliding-count-5s-1s",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "CANCELED",
       "start-time": 1795907407953,
       "end-time": 1795907456469,
       "duration": 48516,
       "tasks": {
        "RUNNING": 0,
        "FINISHED": 0,
        "CANCELED": 2,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 1248722960,
        "read-bytes-complete": true,
        "write-bytes": 92143616,
        "write-bytes-complete": true,
        "read-records": 22031997,
        "read-records-complete": true,
        "write-records": 2304351,
        "write-records-complete": true,
        "accumulated-backpressured-time": 38,
        "accumulated-idle-time": 13217,
        "accumulated-busy-time": 83641.0
       }
      },
      {
       "id": "c16a96e78194357634f51bcfea60f56a",
       "slotSharingGroupId": "cf9975e14deb795a9c138ddca8958836",
       "name": "anomaly-detector -> count-anomalies -> counting-sink: Writer",
       "maxParallelism": 128,
       "parallelism": 2,
       "status": "CANCELED",
       "start-time": 1795907407953,
       "end-time": 1795907456470,
       "duration": 48517,
       "tasks": {
        "RUNNING": 0,
        "FINISHED": 0,
        "CANCELED": 2,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "metrics": {
        "read-bytes": 92176796,
        "read-bytes-complete": true,
        "write-bytes": 0,
        "write-bytes-complete": true,
        "read-records": 2304046,
        "read-records-complete": true,
        "write-records": 0,
        "write-records-complete": true,
        "accumulated-backpressured-time": 0,
        "accumulated-idle-time": 93324,
        "accumulated-busy-time": 3511.0
       }
      }
     ],
     "status-counts": {
      "RUNNING": 0,
      "FINISHED": 0,
      "CANCELED": 3,
      "DEPLOYING": 0,
      "CANCELING": 0,
      "SCHEDULED": 0,
      "FAILED": 0,
      "RECONCILING": 0,
      "INITIALIZING": 0,
      "CREATED": 0
     },
     "plan": {
      "jid": "0b38caa5d6f03230e33c3d25878b1477",
      "name": "ClipBench-long-A n=400000000 p=2 mode=json",
      "type": "STREAMING",
      "nodes": [
       {
        "id": "c16a96e78194357634f51bcfea60f56a",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "anomaly-detector<br/>+- count-anomalies<br/>   +- counting-sink: Writer<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "8d96fc510e75de3baf03ef7367db7d42",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "8d96fc510e75de3baf03ef7367db7d42",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Window(SlidingEventTimeWindows(5000, 1000), EventTimeTrigger, CountAgg, AttachWindow)<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "cbc357ccb763df2852fee8c4fc7d55f2",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "cbc357ccb763df2852fee8c4fc7d55f2",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Source: chat-source<br/>+- parse-json<br/>   +- drop-commands<br/>      +- watermarks<br/>",
        "optimizer_properties": {}
       }
      ]
     },
     "pending-operators": 0
    }
    """#

    /// `jobs_JOBID_plan.json`
    static let jobPlan = #"""
    {
     "plan": {
      "jid": "0b38caa5d6f03230e33c3d25878b1477",
      "name": "ClipBench-long-A n=400000000 p=2 mode=json",
      "type": "STREAMING",
      "nodes": [
       {
        "id": "c16a96e78194357634f51bcfea60f56a",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "anomaly-detector<br/>+- count-anomalies<br/>   +- counting-sink: Writer<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "8d96fc510e75de3baf03ef7367db7d42",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "8d96fc510e75de3baf03ef7367db7d42",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Window(SlidingEventTimeWindows(5000, 1000), EventTimeTrigger, CountAgg, AttachWindow)<br/>",
        "optimizer_properties": {},
        "inputs": [
         {
          "id": "cbc357ccb763df2852fee8c4fc7d55f2",
          "num": 0,
          "exchange": "pipelined_bounded",
          "ship_strategy": "HASH"
         }
        ]
       },
       {
        "id": "cbc357ccb763df2852fee8c4fc7d55f2",
        "operator": "",
        "parallelism": 2,
        "operator_strategy": "",
        "description": "Source: chat-source<br/>+- parse-json<br/>   +- drop-commands<br/>      +- watermarks<br/>",
        "optimizer_properties": {}
       }
      ]
     }
    }
    """#

    /// `jobs_JOBID_config.json`
    static let jobConfig = #"""
    {
     "jid": "0b38caa5d6f03230e33c3d25878b1477",
     "name": "ClipBench-long-A n=400000000 p=2 mode=json",
     "execution-config": {
      "restart-strategy": "Cluster level default restart strategy",
      "job-parallelism": 2,
      "object-reuse-mode": false,
      "user-config": {}
     }
    }
    """#

    /// `jobs_JOBID_exceptions.json`
    static let jobExceptions = #"""
    {
     "exceptionHistory": {
      "entries": [],
      "truncated": false
     }
    }
    """#

    /// `jobs_JOBID_status.json`
    static let jobStatus = #"""
    {
     "status": "RUNNING"
    }
    """#

    /// `jobs_JOBID_metrics_q_get.json`
    static let jobMetricsGet = #"""
    [
     {
      "id": "numberOfCompletedCheckpoints",
      "value": "0"
     },
     {
      "id": "numRestarts",
      "value": "0"
     },
     {
      "id": "uptime",
      "value": "25889"
     }
    ]
    """#

    /// `jobs_JOBID_vertices_v1.json`
    static let vertexDetails = #"""
    {
     "id": "8d96fc510e75de3baf03ef7367db7d42",
     "name": "sliding-count-5s-1s",
     "parallelism": 2,
     "maxParallelism": 128,
     "now": 1795907435290,
     "subtasks": [
      {
       "subtask": 0,
       "status": "RUNNING",
       "attempt": 0,
       "endpoint": "localhost:46717",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 27337,
       "metrics": {
        "read-bytes": 422576136,
        "read-bytes-complete": true,
        "write-bytes": 29753344,
        "write-bytes-complete": true,
        "read-records": 7456132,
        "read-records-complete": true,
        "write-records": 744084,
        "write-records-complete": true,
        "accumulated-backpressured-time": 38,
        "accumulated-idle-time": 3338,
        "accumulated-busy-time": 22365.0
       },
       "taskmanager-id": "localhost:36543-01b2b6",
       "status-duration": {
        "RUNNING": 27283,
        "DEPLOYING": 32,
        "SCHEDULED": 99,
        "INITIALIZING": 22,
        "CREATED": 8
       },
       "start_time": 1795907407953
      },
      {
       "subtask": 1,
       "status": "RUNNING",
       "attempt": 0,
       "endpoint": "localhost:46717",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 27337,
       "metrics": {
        "read-bytes": 357466120,
        "read-bytes-complete": true,
        "write-bytes": 27557888,
        "write-bytes-complete": true,
        "read-records": 6307149,
        "read-records-complete": true,
        "write-records": 689583,
        "write-records-complete": true,
        "accumulated-backpressured-time": 0,
        "accumulated-idle-time": 3859,
        "accumulated-busy-time": 21884.0
       },
       "taskmanager-id": "localhost:36543-01b2b6",
       "status-duration": {
        "RUNNING": 27284,
        "DEPLOYING": 35,
        "SCHEDULED": 99,
        "INITIALIZING": 18,
        "CREATED": 8
       },
       "start_time": 1795907407953
      }
     ],
     "aggregated": {
      "metrics": {
       "write-records": {
        "p25": 689583,
        "min": 689583,
        "avg": 716833,
        "median": 716833,
        "max": 744084,
        "sum": 1433667,
        "p95": 744084,
        "p75": 744084
       },
       "accumulated-backpressured-time": {
        "p25": 0,
        "min": 0,
        "avg": 19,
        "median": 19,
        "max": 38,
        "sum": 38,
        "p95": 38,
        "p75": 38
       },
       "accumulated-idle-time": {
        "p25": 3338,
        "min": 3338,
        "avg": 3598,
        "median": 3598,
        "max": 3859,
        "sum": 7197,
        "p95": 3859,
        "p75": 3859
       },
       "write-bytes": {
        "p25": 27557888,
        "min": 27557888,
        "avg": 28655616,
        "median": 28655616,
        "max": 29753344,
        "sum": 57311232,
        "p95": 29753344,
        "p75": 29753344
       },
       "read-bytes": {
        "p25": 357466120,
        "min": 357466120,
        "avg": 390021128,
        "median": 390021128,
        "max": 422576136,
        "sum": 780042256,
        "p95": 422576136,
        "p75": 422576136
       },
       "read-records": {
        "p25": 6307149,
        "min": 6307149,
        "avg": 6881640,
        "median": 6881640,
        "max": 7456132,
        "sum": 13763281,
        "p95": 7456132,
        "p75": 7456132
       },
       "accumulated-busy-time": {
        "p25": 21884,
        "min": 21884,
        "avg": 22124,
        "median": 22124,
        "max": 22365,
        "sum": 44249,
        "p95": 22365,
        "p75": 22365
       }
      },
      "status-duration": {
       "CREATED": {
        "p25": 8,
        "min": 8,
        "avg": 8,
        "median": 8,
        "max": 8,
        "sum": 16,
        "p95": 8,
        "p75": 8
       },
       "RUNNING": {
        "p25": 27283,
        "min": 27283,
        "avg": 27283,
        "median": 27283,
        "max": 27284,
        "sum": 54567,
        "p95": 27284,
        "p75": 27284
       },
       "INITIALIZING": {
        "p25": 18,
        "min": 18,
        "avg": 20,
        "median": 20,
        "max": 22,
        "sum": 40,
        "p95": 22,
        "p75": 22
       },
       "SCHEDULED": {
        "p25": 99,
        "min": 99,
        "avg": 99,
        "median": 99,
        "max": 99,
        "sum": 198,
        "p95": 99,
        "p75": 99
       },
       "DEPLOYING": {
        "p25": 32,
        "min": 32,
        "avg": 33,
        "median": 33,
        "max": 35,
        "sum": 67,
        "p95": 35,
        "p75": 35
       }
      }
     }
    }
    """#

    /// `jobs_JOBID_vertices_v1_subtasks_metrics_q_get.json`
    static let vertexSubtasksMetricsGet = #"""
    [
     {
      "id": "numRecordsIn",
      "min": 6307149.0,
      "max": 7456132.0,
      "avg": 6881640.5,
      "sum": 13763281.0,
      "skew": 8.348176572141483
     },
     {
      "id": "numRecordsOut",
      "min": 689583.0,
      "max": 744084.0,
      "avg": 716833.5,
      "sum": 1433667.0,
      "skew": 3.8015103925807034
     }
    ]
    """#

    /// `jobs_JOBID_vertices_v1_metrics_q_get_subtask0.json`
    static let vertexMetricsGetSubtask0 = #"""
    [
     {
      "id": "0.numRecordsInPerSecond",
      "value": "106501.65"
     },
     {
      "id": "0.numRecordsIn",
      "value": "7456132"
     },
     {
      "id": "0.numRecordsOut",
      "value": "744084"
     }
    ]
    """#

    /// `jobs_JOBID_vertices_v1_watermarks.json`
    static let vertexWatermarks = #"""
    [
     {
      "id": "0.currentInputWatermark",
      "value": "1700001436900"
     },
     {
      "id": "1.currentInputWatermark",
      "value": "1700001436900"
     }
    ]
    """#

    /// `jobs_JOBID_vertices_v0_watermarks.json`
    static let sourceVertexWatermarks = #"""
    []
    """#

    /// `jobs_JOBID_vertices_v1_backpressure.json`
    static let vertexBackPressure = #"""
    {
     "status": "ok",
     "backpressureLevel": "ok",
     "end-timestamp": 1795907433731,
     "subtasks": [
      {
       "subtask": 0,
       "backpressureLevel": "ok",
       "ratio": 0.001,
       "idleRatio": 0.152,
       "busyRatio": 0.847,
       "backpressure-level": "ok"
      },
      {
       "subtask": 1,
       "backpressureLevel": "ok",
       "ratio": 0.0,
       "idleRatio": 0.163,
       "busyRatio": 0.837,
       "backpressure-level": "ok"
      }
     ],
     "backpressure-level": "ok"
    }
    """#

    /// `jobs_JOBID_vertices_v1_subtasktimes.json`
    static let vertexSubtaskTimes = #"""
    {
     "id": "8d96fc510e75de3baf03ef7367db7d42",
     "name": "sliding-count-5s-1s",
     "now": 1795907435671,
     "subtasks": [
      {
       "subtask": 0,
       "endpoint": "localhost:46717",
       "duration": 27817,
       "timestamps": {
        "RUNNING": 1795907408007,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 1795907407953,
        "CANCELING": 0,
        "SCHEDULED": 1795907407854,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 1795907407985,
        "CREATED": 1795907407846
       }
      },
      {
       "subtask": 1,
       "endpoint": "localhost:46717",
       "duration": 27817,
       "timestamps": {
        "RUNNING": 1795907408006,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 1795907407953,
        "CANCELING": 0,
        "SCHEDULED": 1795907407854,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 1795907407988,
        "CREATED": 1795907407846
       }
      }
     ]
    }
    """#

    /// `jobs_JOBID_vertices_v1_taskmanagers.json`
    static let vertexTaskManagers = #"""
    {
     "id": "8d96fc510e75de3baf03ef7367db7d42",
     "name": "sliding-count-5s-1s",
     "now": 1795907435731,
     "taskmanagers": [
      {
       "endpoint": "localhost:46717",
       "status": "RUNNING",
       "start-time": 1795907407953,
       "end-time": -1,
       "duration": 27778,
       "metrics": {
        "read-bytes": 780042256,
        "read-bytes-complete": true,
        "write-bytes": 57311232,
        "write-bytes-complete": true,
        "read-records": 13763281,
        "read-records-complete": true,
        "write-records": 1433667,
        "write-records-complete": true,
        "accumulated-backpressured-time": 38,
        "accumulated-idle-time": 7197,
        "accumulated-busy-time": 44249.0
       },
       "status-counts": {
        "RUNNING": 2,
        "FINISHED": 0,
        "CANCELED": 0,
        "DEPLOYING": 0,
        "CANCELING": 0,
        "SCHEDULED": 0,
        "FAILED": 0,
        "RECONCILING": 0,
        "INITIALIZING": 0,
        "CREATED": 0
       },
       "taskmanager-id": "localhost:36543-01b2b6",
       "aggregated": {
        "metrics": {
         "write-records": {
          "p25": 689583,
          "min": 689583,
          "avg": 716833,
          "median": 716833,
          "max": 744084,
          "sum": 1433667,
          "p95": 744084,
          "p75": 744084
         },
         "accumulated-backpressured-time": {
          "p25": 0,
          "min": 0,
          "avg": 19,
          "median": 19,
          "max": 38,
          "sum": 38,
          "p95": 38,
          "p75": 38
         },
         "accumulated-idle-time": {
          "p25": 3338,
          "min": 3338,
          "avg": 3598,
          "median": 3598,
          "max": 3859,
          "sum": 7197,
          "p95": 3859,
          "p75": 3859
         },
         "write-bytes": {
          "p25": 27557888,
          "min": 27557888,
          "avg": 28655616,
          "median": 28655616,
          "max": 29753344,
          "sum": 57311232,
          "p95": 29753344,
          "p75": 29753344
         },
         "read-bytes": {
          "p25": 357466120,
          "min": 357466120,
          "avg": 390021128,
          "median": 390021128,
          "max": 422576136,
          "sum": 780042256,
          "p95": 422576136,
          "p75": 422576136
         },
         "read-records": {
          "p25": 6307149,
          "min": 6307149,
          "avg": 6881640,
          "median": 6881640,
          "max": 7456132,
          "sum": 13763281,
          "p95": 7456132,
          "p75": 7456132
         },
         "accumulated-busy-time": {
          "p25": 21884,
          "min": 21884,
          "avg": 22124,
          "median": 22124,
          "max": 22365,
          "sum": 44249,
          "p95": 22365,
          "p75": 22365
         }
        },
        "status-duration": {
         "CREATED": {
          "p25": 8,
          "min": 8,
          "avg": 8,
          "median": 8,
          "max": 8,
          "sum": 16,
          "p95": 8,
          "p75": 8
         },
         "RUNNING": {
          "p25": 27724,
          "min": 27724,
          "avg": 27724,
          "median": 27724,
          "max": 27725,
          "sum": 55449,
          "p95": 27725,
          "p75": 27725
         },
         "INITIALIZING": {
          "p25": 18,
          "min": 18,
          "avg": 20,
          "median": 20,
          "max": 22,
          "sum": 40,
          "p95": 22,
          "p75": 22
         },
         "SCHEDULED": {
          "p25": 99,
          "min": 99,
          "avg": 99,
          "median": 99,
          "max": 99,
          "sum": 198,
          "p95": 99,
          "p75": 99
         },
         "DEPLOYING": {
          "p25": 32,
          "min": 32,
          "avg": 33,
          "median": 33,
          "max": 35,
          "sum": 67,
          "p95": 35,
          "p75": 35
         }
        }
       }
      }
     ]
    }
    """#

    /// `taskmanagers.json`
    static let taskManagers = #"""
    {
     "taskmanagers": [
      {
       "id": "localhost:36543-01b2b6",
       "path": "pekko.tcp://flink@localhost:36543/user/rpc/taskmanager_0",
       "dataPort": 46717,
       "jmxPort": -1,
       "timeSinceLastHeartbeat": 1795907428690,
       "slotsNumber": 4,
       "freeSlots": 2,
       "assignedTasks": 6,
       "totalResource": {
        "cpuCores": 4.0,
        "taskHeapMemory": 383,
        "taskOffHeapMemory": 0,
        "managedMemory": 512,
        "networkMemory": 128,
        "extendedResources": {}
       },
       "freeResource": {
        "cpuCores": 2.0,
        "taskHeapMemory": 191,
        "taskOffHeapMemory": 0,
        "managedMemory": 256,
        "networkMemory": 64,
        "extendedResources": {}
       },
       "hardware": {
        "cpuCores": 2,
        "physicalMemory": 25276059648,
        "freeMemory": 536870912,
        "managedMemory": 536870920
       },
       "memoryConfiguration": {
        "frameworkHeap": 134217728,
        "taskHeap": 402653174,
        "frameworkOffHeap": 134217728,
        "taskOffHeap": 0,
        "networkMemory": 134217730,
        "managedMemory": 536870920,
        "jvmMetaspace": 268435456,
        "jvmOverhead": 201326592,
        "totalFlinkMemory": 1342177280,
        "totalProcessMemory": 1811939328
       }
      }
     ]
    }
    """#

    /// `taskmanagers_TMID.json`
    static let taskManagerDetails = #"""
    {
     "id": "localhost:36543-01b2b6",
     "path": "pekko.tcp://flink@localhost:36543/user/rpc/taskmanager_0",
     "dataPort": 46717,
     "jmxPort": -1,
     "timeSinceLastHeartbeat": 1795907428690,
     "slotsNumber": 4,
     "freeSlots": 2,
     "assignedTasks": 6,
     "totalResource": {
      "cpuCores": 4.0,
      "taskHeapMemory": 383,
      "taskOffHeapMemory": 0,
      "managedMemory": 512,
      "networkMemory": 128,
      "extendedResources": {}
     },
     "freeResource": {
      "cpuCores": 2.0,
      "taskHeapMemory": 191,
      "taskOffHeapMemory": 0,
      "managedMemory": 256,
      "networkMemory": 64,
      "extendedResources": {}
     },
     "hardware": {
      "cpuCores": 2,
      "physicalMemory": 25276059648,
      "freeMemory": 536870912,
      "managedMemory": 536870920
     },
     "memoryConfiguration": {
      "frameworkHeap": 134217728,
      "taskHeap": 402653174,
      "frameworkOffHeap": 134217728,
      "taskOffHeap": 0,
      "networkMemory": 134217730,
      "managedMemory": 536870920,
      "jvmMetaspace": 268435456,
      "jvmOverhead": 201326592,
      "totalFlinkMemory": 1342177280,
      "totalProcessMemory": 1811939328
     },
     "allocatedSlots": [
      {
       "jobId": "0b38caa5d6f03230e33c3d25878b1477",
       "resource": {
        "cpuCores": 1.0,
        "taskHeapMemory": 95,
        "taskOffHeapMemory": 0,
        "managedMemory": 128,
        "networkMemory": 32,
        "extendedResources": {}
       },
       "assignedTasks": 3
      },
      {
       "jobId": "0b38caa5d6f03230e33c3d25878b1477",
       "resource": {
        "cpuCores": 1.0,
        "taskHeapMemory": 95,
        "taskOffHeapMemory": 0,
        "managedMemory": 128,
        "networkMemory": 32,
        "extendedResources": {}
       },
       "assignedTasks": 3
      }
     ],
     "metrics": {
      "heapUsed": 160709024,
      "heapCommitted": 536870912,
      "heapMax": 536870912,
      "nonHeapUsed": 89068968,
      "nonHeapCommitted": 92667904,
      "nonHeapMax": 738197504,
      "directCount": 4123,
      "directUsed": 141729605,
      "directMax": 141729603,
      "mappedCount": 0,
      "mappedUsed": 0,
      "mappedMax": 0,
      "nettyShuffleMemorySegmentsAvailable": 4045,
      "nettyShuffleMemorySegmentsUsed": 51,
      "nettyShuffleMemorySegmentsTotal": 4096,
      "nettyShuffleMemoryAvailable": 132546560,
      "nettyShuffleMemoryUsed": 1671168,
      "nettyShuffleMemoryTotal": 134217728,
      "garbageCollectors": [
       {
        "name": "All",
        "count": 1728,
        "time": 18905
       },
       {
        "name": "G1_Young_Generation",
        "count": 1728,
        "time": 18905
       },
       {
        "name": "G1_Old_Generation",
        "count": 0,
        "time": 0
       }
      ]
     }
    }
    """#

    /// `taskmanagers_TMID_metrics_q_get.json`
    static let taskManagerMetricsGet = #"""
    [
     {
      "id": "Status.JVM.CPU.Load",
      "value": "0.27378979502834716"
     },
     {
      "id": "Status.JVM.Memory.Heap.Used",
      "value": "160709024"
     }
    ]
    """#

    /// `jobmanager_config.json`
    static let jobManagerConfig = #"""
    [
     {
      "key": "blob.server.port",
      "value": "43721"
     },
     {
      "key": "taskmanager.memory.process.size",
      "value": "1728m"
     },
     {
      "key": "metrics.reporter.prom.port",
      "value": "9249-9250"
     },
     {
      "key": "taskmanager.bind-host",
      "value": "localhost"
     },
     {
      "key": "jobmanager.execution.failover-strategy",
      "value": "region"
     },
     {
      "key": "jobmanager.rpc.address",
      "value": "localhost"
     },
     {
      "key": "jobmanager.memory.off-heap.size",
      "value": "134217728b"
     },
     {
      "key": "jobmanager.memory.jvm-overhead.min",
      "value": "201326592b"
     }
    ]
    """#

    /// `jobmanager_metrics_q_get.json`
    static let jobManagerMetricsGet = #"""
    [
     {
      "id": "numRunningJobs",
      "value": "1"
     },
     {
      "id": "taskSlotsTotal",
      "value": "4"
     },
     {
      "id": "Status.JVM.Memory.Heap.Used",
      "value": "82759680"
     }
    ]
    """#

    /// `nonexistent_404.json`
    static let notFound = #"""
    {
     "errors": [
      "Unable to load requested file /nonexistent."
     ]
    }
    """#

    /// `applications_overview.json`
    static let applicationsOverview = #"""
    {
     "applications": [
      {
       "id": "f8c94383d56b84eeda2b75b907b3eb58",
       "name": "SingleJobApplication(ClipBench n=400000000 p=2 mode=json)",
       "start-time": 1795908955014,
       "end-time": -1,
       "duration": 28725,
       "status": "RUNNING",
       "jobs": {
        "RUNNING": 1
       }
      }
     ]
    }
    """#

    /// `jobs_JOBID_checkpoints_config.json`
    static let jobCheckpointsConfig = #"""
    {
      "mode": "at_least_once",
      "interval": 9223372036854775807,
      "timeout": 600000,
      "min_pause": 0,
      "max_concurrent": 1,
      "externalization": {
        "enabled": false,
        "delete_on_cancellation": true
      },
      "state_backend": "HashMapStateBackend",
      "checkpoint_storage": "JobManagerCheckpointStorage",
      "unaligned_checkpoints": false,
      "tolerable_failed_checkpoints": 0,
      "aligned_checkpoint_timeout": 0,
      "checkpoints_after_tasks_finish": true,
      "state_changelog_enabled": false,
      "changelog_periodic_materialization_interval": 600000,
      "changelog_storage": "memory"
    }
    """#

    /// `jars.json`
    static let jars = #"""
    {
     "address": "http://localhost:8081",
     "files": []
    }
    """#

    /// `jobs_unknown_id.json` (the Java stack trace cut to its first line)
    static let unknownJob = #"""
    {
     "errors": [
      "org.apache.flink.runtime.rest.NotFoundException: Job 00000000000000000000000000000000 not found"
     ]
    }
    """#

    /// Families from `flink-prometheus-jm.txt` and `flink-prometheus-tm.txt`, one sample each.
    static let prometheus = #"""
    # HELP flink_jobmanager_numRunningJobs numRunningJobs (scope: jobmanager)
    # TYPE flink_jobmanager_numRunningJobs gauge
    flink_jobmanager_numRunningJobs{host="localhost",} 1.0
    # HELP flink_jobmanager_taskSlotsAvailable taskSlotsAvailable (scope: jobmanager)
    # TYPE flink_jobmanager_taskSlotsAvailable gauge
    flink_jobmanager_taskSlotsAvailable{host="localhost",} 2.0
    # HELP flink_jobmanager_taskSlotsTotal taskSlotsTotal (scope: jobmanager)
    # TYPE flink_jobmanager_taskSlotsTotal gauge
    flink_jobmanager_taskSlotsTotal{host="localhost",} 4.0
    # HELP flink_jobmanager_numRegisteredTaskManagers numRegisteredTaskManagers (scope: jobmanager)
    # TYPE flink_jobmanager_numRegisteredTaskManagers gauge
    flink_jobmanager_numRegisteredTaskManagers{host="localhost",} 1.0
    # HELP flink_jobmanager_job_uptime uptime (scope: jobmanager_job)
    # TYPE flink_jobmanager_job_uptime gauge
    flink_jobmanager_job_uptime{job_id="0b38caa5d6f03230e33c3d25878b1477",host="localhost",job_name="ClipBench_long_A_n_400000000_p_2_mode_json",} 31113.0
    # HELP flink_taskmanager_job_task_numRecordsIn numRecordsIn (scope: taskmanager_job_task)
    # TYPE flink_taskmanager_job_task_numRecordsIn gauge
    flink_taskmanager_job_task_numRecordsIn{job_id="0b38caa5d6f03230e33c3d25878b1477",task_id="8d96fc510e75de3baf03ef7367db7d42",task_attempt_id="e557e36b5d74865a1c263fe8fcf8c903_8d96fc510e75de3baf03ef7367db7d42_1_0",host="localhost",task_name="sliding_count_5s_1s",task_attempt_num="0",job_name="ClipBench_long_A_n_400000000_p_2_mode_json",tm_id="localhost:36543_01b2b6",subtask_index="1",} 7267632.0
    # HELP flink_taskmanager_job_task_operator_numRecordsIn numRecordsIn (scope: taskmanager_job_task_operator)
    # TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge
    flink_taskmanager_job_task_operator_numRecordsIn{job_id="0b38caa5d6f03230e33c3d25878b1477",task_id="8d96fc510e75de3baf03ef7367db7d42",task_attempt_id="e557e36b5d74865a1c263fe8fcf8c903_8d96fc510e75de3baf03ef7367db7d42_0_0",host="localhost",operator_id="8d96fc510e75de3baf03ef7367db7d42",operator_name="sliding_count_5s_1s",task_name="sliding_count_5s_1s",task_attempt_num="0",job_name="ClipBench_long_A_n_400000000_p_2_mode_json",tm_id="localhost:36543_01b2b6",subtask_index="0",} 8577206.0
    # HELP flink_taskmanager_job_task_operator_currentInputWatermark currentInputWatermark (scope: taskmanager_job_task_operator)
    # TYPE flink_taskmanager_job_task_operator_currentInputWatermark gauge
    flink_taskmanager_job_task_operator_currentInputWatermark{job_id="0b38caa5d6f03230e33c3d25878b1477",task_id="8d96fc510e75de3baf03ef7367db7d42",task_attempt_id="e557e36b5d74865a1c263fe8fcf8c903_8d96fc510e75de3baf03ef7367db7d42_0_0",host="localhost",operator_id="8d96fc510e75de3baf03ef7367db7d42",operator_name="sliding_count_5s_1s",task_name="sliding_count_5s_1s",task_attempt_num="0",job_name="ClipBench_long_A_n_400000000_p_2_mode_json",tm_id="localhost:36543_01b2b6",subtask_index="0",} 1.700001650308E12
    # HELP flink_taskmanager_job_task_currentInputWatermark currentInputWatermark (scope: taskmanager_job_task)
    # TYPE flink_taskmanager_job_task_currentInputWatermark gauge
    flink_taskmanager_job_task_currentInputWatermark{job_id="0b38caa5d6f03230e33c3d25878b1477",task_id="8d96fc510e75de3baf03ef7367db7d42",task_attempt_id="e557e36b5d74865a1c263fe8fcf8c903_8d96fc510e75de3baf03ef7367db7d42_1_0",host="localhost",task_name="sliding_count_5s_1s",task_attempt_num="0",job_name="ClipBench_long_A_n_400000000_p_2_mode_json",tm_id="localhost:36543_01b2b6",subtask_index="1",} 1.700001657274E12
    """#

    /// `jobs_JOBID_checkpoints.json` (a job without checkpoints: zero counts, NaN percentiles, null latest).
    static let jobCheckpoints = #"""
    {
      "counts": {
        "restored": 0,
        "total": 0,
        "in_progress": 0,
        "completed": 0,
        "failed": 0
      },
      "summary": {
        "checkpointed_size": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": "NaN",
          "p90": "NaN",
          "p95": "NaN",
          "p99": "NaN",
          "p999": "NaN"
        },
        "state_size": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": "NaN",
          "p90": "NaN",
          "p95": "NaN",
          "p99": "NaN",
          "p999": "NaN"
        },
        "end_to_end_duration": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": "NaN",
          "p90": "NaN",
          "p95": "NaN",
          "p99": "NaN",
          "p999": "NaN"
        },
        "alignment_buffered": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": 0.0,
          "p90": 0.0,
          "p95": 0.0,
          "p99": 0.0,
          "p999": 0.0
        },
        "processed_data": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": "NaN",
          "p90": "NaN",
          "p95": "NaN",
          "p99": "NaN",
          "p999": "NaN"
        },
        "persisted_data": {
          "min": 0,
          "max": 0,
          "avg": 0,
          "p50": "NaN",
          "p90": "NaN",
          "p95": "NaN",
          "p99": "NaN",
          "p999": "NaN"
        }
      },
      "latest": {
        "completed": null,
        "savepoint": null,
        "failed": null,
        "restored": null
      },
      "history": []
    }
    """#

    /// Entries of `CheckpointingStatistics` the captured job had none of, written from Flink's schema
    /// (reference/flink-rest.md §CheckpointingStatistics: `CheckpointStatistics` by `className`, and
    /// `RestoredCheckpointStatistics`), with the values Flink gives a completed and a failed savepoint.
    static let completedSavepointEntry = #"""
    {"className": "completed", "id": 1, "status": "COMPLETED", "is_savepoint": true, "savepointFormat": "CANONICAL",
     "trigger_timestamp": 1780000000000, "latest_ack_timestamp": 1780000000100, "checkpointed_size": 1024, "state_size": 1024,
     "end_to_end_duration": 100, "alignment_buffered": 0, "processed_data": 0, "persisted_data": 0, "num_subtasks": 5,
     "num_acknowledged_subtasks": 5, "checkpoint_type": "SAVEPOINT", "tasks": {}, "external_path": "file:/tmp/savepoint-1", "discarded": false}
    """#
    static let failedSavepointEntry = #"""
    {"className": "failed", "id": 2, "status": "FAILED", "is_savepoint": true, "savepointFormat": "CANONICAL",
     "trigger_timestamp": 1780000000000, "latest_ack_timestamp": 1780000000100, "checkpointed_size": 0, "state_size": 0,
     "end_to_end_duration": 100, "alignment_buffered": 0, "processed_data": 0, "persisted_data": 0, "num_subtasks": 5,
     "num_acknowledged_subtasks": 0, "checkpoint_type": "SAVEPOINT", "tasks": {}, "failure_timestamp": 1780000000100,
     "failure_message": "cannot write"}
    """#
    static let restoredSavepoint = #"""
    {"id": 1, "restore_timestamp": 1780000000200, "is_savepoint": true, "external_path": "file:/tmp/savepoint-1"}
    """#
}
