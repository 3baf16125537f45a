#!/usr/bin/env python3
"""A fake Flink-compatible JobManager for developing and testing the dashboard (Python 3 stdlib only).

    python3 Tests/DashboardFixtures/mock_flink.py PORT [--minimal] [--samples DIR] [--dashboard DIR] [--quiet]

Serves the dashboard files (Sources/Cluster/Dashboard) at / and answers the REST paths the dashboard calls, shaped
by the responses Apache Flink 2.3 gave (shared/reference/flink-rest-samples/): every response starts from the
captured sample file for that route and only its ids, times, counters and states are filled in. Paths are served
under both / and /v1/.

The cluster it pretends to be:
  * 2 TaskManagers (the captured one, localhost:36543-01b2b6, and a second one) with 4 slots each;
  * the captured running job 0b38caa5d6f03230e33c3d25878b1477 (3 vertices, HASH edges; its /jobs/:id vertex metrics
    are zero as in the capture, so the live numbers come from …/subtasks/metrics like on real Flink);
  * a running Dataflow-style job "clip-detector-replay" (5 vertices, HASH and FORWARD edges, a restart in its
    exception history, one idle subtask and one vertex without a watermark yet — Long.MIN_VALUE);
  * the 12 finished jobs of the capture and one FAILED job with an exception.
Counters and watermarks move with wall-clock time; GET /jobs/:id/yarn-cancel and PATCH /jobs/:id?mode=cancel move a
job to CANCELLING and, a second later, CANCELED. GET /jars lists submittable jobs (Flink's JarListInfo, one "jar" per job)
and POST /jobs/submit-by-name {"job", "parallelism", "parameters"} starts a new job.

--minimal pretends to be a JobManager that implements only the core routes: /jobs/:id carries no plan (the dashboard
must call /jobs/:id/plan) but real vertices[].metrics counters, and the optional routes (…/subtasks/metrics,
…/backpressure, …/watermarks, …/taskmanagers, vertex and job metrics, exceptions, job config) answer 404.

Test hooks: GET /__mock/outage?seconds=N drops every API request (connection closed, no response) for N seconds;
GET /__mock/state returns the model as JSON.
"""

import argparse
import copy
import hashlib
import json
import math
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_DASHBOARD = REPO / "Sources" / "Cluster" / "Dashboard"


def find_samples():
    for base in [REPO.parent, REPO, *REPO.parents]:
        p = base / "shared" / "reference" / "flink-rest-samples"
        if p.is_dir():
            return p
    return REPO.parent / "shared" / "reference" / "flink-rest-samples"


LONG_MIN = -9223372036854775808
SAMPLE_JID = "0b38caa5d6f03230e33c3d25878b1477"
SAMPLE_NOW = 1795907433732          # "now" of the captured /jobs/:id
SAMPLE_V = ["cbc357ccb763df2852fee8c4fc7d55f2", "8d96fc510e75de3baf03ef7367db7d42", "c16a96e78194357634f51bcfea60f56a"]
TERMINAL = {"FINISHED", "CANCELED", "FAILED"}
EXEC_STATES = ["RUNNING", "FINISHED", "CANCELED", "DEPLOYING", "CANCELING", "SCHEDULED", "FAILED", "RECONCILING",
               "INITIALIZING", "CREATED"]
JOB_STATES = ["INITIALIZING", "RUNNING", "SUSPENDED", "RECONCILING", "FINISHED", "CREATED", "FAILING", "FAILED",
              "RESTARTING", "CANCELLING", "CANCELED"]

CATALOG = [
    {"name": "clip-detector-replay",
     "summary": "The clip detector over a recorded chat stream (.jsonl or .jsonl.zst) into windows.csv and anomalies.csv",
     "parallelism": 2,
     "parameters": [{"name": "input", "default": "../shared/golden/chat-d1.jsonl.zst"}, {"name": "output", "default": "out/replay"},
                    {"name": "out-of-orderness-ms", "default": "2000"}, {"name": "window-size-ms", "default": "5000"},
                    {"name": "window-slide-ms", "default": "1000"}, {"name": "k", "default": "3.0"},
                    {"name": "min-count", "default": "10"}, {"name": "cooldown-ms", "default": "30000"}]},
    {"name": "chat-publish", "summary": "Publishes a recorded chat stream into a Kafka topic, keyed by broadcaster_id",
     "parallelism": 1,
     "parameters": [{"name": "input", "default": "../shared/golden/chat-d1.jsonl.zst"},
                    {"name": "topic", "default": "kafka://127.0.0.1:59092/chat-d1"}]},
    {"name": "kafka-read-bench", "summary": "Reads a Kafka topic of chat messages to its end into a discarding sink",
     "parallelism": 1, "parameters": [{"name": "input", "default": "kafka://127.0.0.1:59092/chat-d1"}]},
    {"name": "postgres-sink-bench", "summary": "Upserts generated rows into PostgreSQL through the batching sink",
     "parallelism": 2, "parameters": [{"name": "rows", "default": "1000000"}, {"name": "table", "default": "bench_rows"},
                                      {"name": "url", "default": "postgresql://postgres@127.0.0.1:55432/highlights"}]},
]


def hexid(*parts):
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()


def now_ms():
    return int(time.time() * 1000)


class TM:
    def __init__(self, id, host, data_port, index):
        self.id, self.host, self.data_port, self.index = id, host, data_port, index
        self.slots = 4

    @property
    def endpoint(self):
        return f"{self.host}:{self.data_port}"


class Vertex:
    def __init__(self, id, name, par, inputs=(), rin=0.0, rout=0.0, busy=0.1, bp=0.0, wm="value", wm_offset=0):
        self.id, self.name, self.par, self.inputs = id, name, par, list(inputs)   # inputs: [(vertex id, ship strategy)]
        self.rin, self.rout = rin, rout          # records/s summed over subtasks
        self.busy, self.bp = busy, bp            # ratios of a subtask's time
        self.wm = wm                             # none (source) | value | some-idle | all-idle
        self.wm_offset = wm_offset               # ms behind the job's event-time clock

    @property
    def description(self):
        ops = self.name.split(" -> ")
        return "".join(("   " * (i - 1) + "+- " if i else "") + op.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       + "<br/>" for i, op in enumerate(ops))


class Job:
    def __init__(self, jid, name, vertices, start, state="RUNNING", end=-1, slot_tms=(), details_io=True,
                 user_config=None, exceptions=(), restarts=0, event_time0=1700000000000, event_speed=5.0):
        self.jid, self.name, self.vertices, self.start, self.state, self.end = jid, name, vertices, start, state, end
        self.slot_tms = list(slot_tms)       # TM of slot i (subtask i of every vertex runs in slot i)
        self.details_io = details_io         # fill vertices[].metrics in /jobs/:id (the captured Flink job has zeros)
        self.user_config = user_config or {}
        self.exceptions = list(exceptions)
        self.restarts = restarts
        self.event_time0, self.event_speed = event_time0, event_speed
        self.cancel_at = None
        self.parallelism = max((v.par for v in vertices), default=1)

    def tick(self):
        """Advance CANCELLING → CANCELED a second after the request."""
        if self.state == "CANCELLING" and self.cancel_at and now_ms() - self.cancel_at >= 1000:
            self.state, self.end = "CANCELED", self.cancel_at + 1000

    def running(self):
        return self.state not in TERMINAL

    def elapsed(self):
        end = self.end if self.end > 0 else now_ms()
        return max(0, end - self.start)

    def exec_state(self):
        return {"CANCELED": "CANCELED", "CANCELLING": "CANCELING", "FINISHED": "FINISHED", "FAILED": "FAILED"}.get(self.state, "RUNNING")

    def skew(self, v, i):
        return 1.0 + 0.04 * math.sin(i * 2.1 + len(v.id))

    def wave(self, v, i):
        t = time.time()
        return 1.0 + 0.09 * math.sin(t / 3.0 + i + int(v.id[:4], 16) % 7) + 0.04 * math.sin(t / 1.3 + i)

    def sub_count(self, v, i, what):
        rate = (v.rin if what == "in" else v.rout) / v.par
        return int(rate * self.skew(v, i) * self.elapsed() / 1000)

    def sub_rate(self, v, i, what):
        if not self.running() or self.state == "CANCELLING":
            return 0.0
        rate = (v.rin if what == "in" else v.rout) / v.par
        return round(rate * self.skew(v, i) * self.wave(v, i), 3)

    def ratios(self, v, i):
        if not self.running():
            return 0.0, 0.0, 1.0
        j = 0.03 * math.sin(time.time() / 2.0 + i * 1.7 + len(v.name))
        busy = min(1.0, max(0.0, v.busy + j))
        bp = min(1.0 - busy, max(0.0, v.bp - j / 2)) if v.bp else 0.0
        return round(busy, 3), round(bp, 3), round(max(0.0, 1.0 - busy - bp), 3)

    def watermark(self, v, i):
        if v.wm == "all-idle" or (v.wm == "some-idle" and i == v.par - 1):
            return LONG_MIN
        return int(self.event_time0 + self.elapsed() * self.event_speed - v.wm_offset)

    def tm_of(self, i):
        return self.slot_tms[i % len(self.slot_tms)] if self.slot_tms else None


class Cluster:
    def __init__(self, samples: Path, minimal: bool = False):
        self.samples = samples
        self.minimal = minimal
        self.lock = threading.RLock()
        self.t0 = now_ms()
        self.outage_until = 0.0
        self.cache = {}
        self.tms = [TM("localhost:36543-01b2b6", "localhost", 46717, 0), TM("localhost:40211-7c1e9a", "localhost", 42877, 1)]
        self.jobs = {}
        self.order = []
        self._seed()

    # ------------------------------------------------------------------------------------------ samples
    def sample(self, name):
        if name not in self.cache:
            with open(self.samples / f"{name}.json") as f:
                self.cache[name] = json.load(f)
        return copy.deepcopy(self.cache[name])

    # ------------------------------------------------------------------------------------------- model
    def _seed(self):
        t0 = self.t0
        shift = t0 - SAMPLE_NOW
        tm1, tm2 = self.tms
        # The captured Flink job, started as long ago as in the capture.
        d = self.sample("jobs_JOBID")
        names = {v["id"]: v["name"] for v in d["vertices"]}
        cap = Job(SAMPLE_JID, d["name"], [
            Vertex(SAMPLE_V[0], names[SAMPLE_V[0]], 2, [], 0, 531000, busy=0.77, bp=0.23, wm="none"),
            Vertex(SAMPLE_V[1], names[SAMPLE_V[1]], 2, [(SAMPLE_V[0], "HASH")], 531000, 88500, busy=0.84, bp=0.0, wm="value"),
            Vertex(SAMPLE_V[2], names[SAMPLE_V[2]], 2, [(SAMPLE_V[1], "HASH")], 88500, 0, busy=0.02, bp=0.0, wm="value", wm_offset=7279),
        ], start=d["start-time"] + shift, slot_tms=[tm1, tm1], details_io=False, event_time0=1700001436900 - 26000 * 8,
            event_speed=8.0)
        self.add(cap)
        # A Dataflow job as our JobManager will run it: HASH into the window, FORWARD to the sinks, a restart behind it.
        jid = hexid("clip-detector-replay", t0)
        start = t0 - (7 * 60 + 12) * 1000
        v = [hexid(jid, i) for i in range(5)]
        df = Job(jid, "clip-detector-replay", [
            Vertex(v[0], "Source: chat-source -> parse-json -> drop-commands -> watermarks", 2, [], 0, 84200, busy=0.41, bp=0.38, wm="none"),
            Vertex(v[1], "chat-rate: SlidingWindow(5s, 1s, count)", 2, [(v[0], "HASH")], 84200, 2400, busy=0.86, bp=0.0, wm_offset=2000),
            Vertex(v[2], "Sink: windows.csv", 1, [(v[1], "FORWARD")], 2400, 0, busy=0.12, wm_offset=3000),
            Vertex(v[3], "anomaly-detector -> cooldown", 2, [(v[1], "FORWARD")], 2400, 1.6, busy=0.18, wm="some-idle", wm_offset=3000),
            Vertex(v[4], "Sink: anomalies.csv", 1, [(v[3], "FORWARD")], 1.6, 0, busy=0.01, wm="all-idle"),
        ], start=start, slot_tms=[tm1, tm2], user_config={
            "input": "../shared/golden/chat-d1.jsonl.zst", "output": "out/replay", "out-of-orderness-ms": "2000",
            "window-size-ms": "5000", "window-slide-ms": "1000", "k": "3.0", "min-count": "10", "cooldown-ms": "30000"},
            restarts=1, event_time0=1700000000000)
        df.exceptions = [{
            "exceptionName": "Dataflow.TaskManagerLost: TaskManager localhost:40211-7c1e9a missed 5 heartbeats (50 s)",
            "stacktrace": "Dataflow.TaskManagerLost: TaskManager localhost:40211-7c1e9a missed 5 heartbeats (50 s)\n"
                          "\tat Cluster.HeartbeatMonitor.check(HeartbeatMonitor.swift:88)\n"
                          "\tat Cluster.JobMaster.taskManagerLost(_:)(JobMaster.swift:214)\n"
                          "\tat Cluster.JobMaster.restart(reason:)(JobMaster.swift:301)\n"
                          "restart-strategy fixed-delay: attempt 1 of 3, delay 10 s",
            "timestamp": start + 95_000, "taskName": "chat-rate: SlidingWindow(5s, 1s, count) (2/2)",
            "endpoint": "localhost:42877", "taskManagerId": "localhost:40211-7c1e9a", "failureLabels": {},
            "concurrentExceptions": []}]
        self.add(df)
        # The finished jobs of the capture, as long before as they were.
        for e in self.sample("jobs_overview")["jobs"]:
            if e["jid"] == SAMPLE_JID:
                continue
            p = 2 if "p=2" in e["name"] else 1
            ids = [hexid(e["jid"], i) for i in range(3)]
            fin = Job(e["jid"], e["name"], [
                Vertex(ids[0], names[SAMPLE_V[0]], p, [], 0, 600000.0 * p / 2, wm="none"),
                Vertex(ids[1], names[SAMPLE_V[1]], p, [(ids[0], "HASH")], 600000.0 * p / 2, 98000.0 * p / 2),
                Vertex(ids[2], names[SAMPLE_V[2]], p, [(ids[1], "HASH")], 98000.0 * p / 2, 0),
            ], start=e["start-time"] + shift, state="FINISHED", end=e["end-time"] + shift, slot_tms=[tm1, tm1])
            self.add(fin)
        # A failed job with its exception.
        jid = hexid("postgres-sink-bench", t0)
        start = t0 - 46 * 60_000
        ids = [hexid(jid, i) for i in range(2)]
        failed = Job(jid, "postgres-sink-bench", [
            Vertex(ids[0], "Source: generated-rows", 2, [], 0, 52000, wm="none"),
            Vertex(ids[1], "Sink: bench_rows", 2, [(ids[0], "HASH")], 52000, 0),
        ], start=start, state="FAILED", end=start + 190_000, slot_tms=[tm2, tm2],
            user_config={"rows": "1000000", "table": "bench_rows", "url": "postgresql://postgres@127.0.0.1:55432/highlights"},
            restarts=3)
        failed.exceptions = [{
            "exceptionName": "PostgresConnector.PostgresError: could not connect to server: Connection refused (127.0.0.1:55432)",
            "stacktrace": "PostgresConnector.PostgresError: could not connect to server: Connection refused\n"
                          "\tIs the server running on host \"127.0.0.1\" and accepting TCP/IP connections on port 55432?\n"
                          "\tat PostgresConnector.ConnectionPool.acquire()(ConnectionPool.swift:142)\n"
                          "\tat PostgresConnector.PostgresSink.flush(batch:)(PostgresSink.swift:97)\n"
                          "restart-strategy fixed-delay: attempts exhausted (3 of 3)",
            "timestamp": start + 190_000 - k * 40_000,
            "taskName": "Sink: bench_rows (1/2)", "endpoint": "localhost:42877", "taskManagerId": "localhost:40211-7c1e9a",
            "failureLabels": {}, "concurrentExceptions": []} for k in range(4)]
        self.add(failed)

    def add(self, job):
        self.jobs[job.jid] = job
        self.order.append(job.jid)

    def all_jobs(self):
        for j in self.jobs.values():
            j.tick()
        return sorted(self.jobs.values(), key=lambda j: -j.start)

    def used_slots(self, tm):
        return sum(1 for j in self.all_jobs() if j.running() for i in range(j.parallelism) if j.tm_of(i) is tm)

    def free_slots(self):
        return [(tm, s) for tm in self.tms for s in range(tm.slots - self.used_slots(tm))]

    # ---------------------------------------------------------------------------------------- builders
    def io_metrics(self, job, v, subs=None, complete=True):
        subs = range(v.par) if subs is None else subs
        rin = sum(job.sub_count(v, i, "in") for i in subs)
        rout = sum(job.sub_count(v, i, "out") for i in subs)
        el = job.elapsed()
        busy = sum(job.ratios(v, i)[0] for i in subs) / max(1, len(subs))
        return {"read-bytes": rin * 38, "read-bytes-complete": complete, "write-bytes": rout * 40, "write-bytes-complete": complete,
                "read-records": rin, "read-records-complete": complete, "write-records": rout, "write-records-complete": complete,
                "accumulated-backpressured-time": int(v.bp * el * len(subs)), "accumulated-idle-time": int((1 - busy - v.bp) * el * len(subs)),
                "accumulated-busy-time": float(int(busy * el * len(subs)))}

    def counts(self, state, n):
        c = {k: 0 for k in EXEC_STATES}
        c[state] = n
        return c

    def plan(self, job):
        return {"jid": job.jid, "name": job.name, "type": "STREAMING", "nodes": [
            {"id": v.id, "operator": "", "parallelism": v.par, "operator_strategy": "", "description": v.description,
             "optimizer_properties": {},
             **({"inputs": [{"id": src, "num": k, "exchange": "pipelined_bounded", "ship_strategy": ship}
                            for k, (src, ship) in enumerate(v.inputs)]} if v.inputs else {})}
            for v in reversed(job.vertices)]}

    def overview_entry(self, job):
        e = self.sample("jobs_overview")["jobs"][0]
        total = sum(v.par for v in job.vertices)
        st = job.exec_state().lower()
        e.update({"jid": job.jid, "name": job.name, "state": job.state, "start-time": job.start, "end-time": job.end,
                  "duration": job.elapsed(), "last-modification": job.end if job.end > 0 else job.start + 200})
        e["tasks"] = {k: 0 for k in e["tasks"]}
        e["tasks"]["total"] = total
        e["tasks"][st] = total
        return e

    def job_details(self, job):
        d = self.sample("jobs_JOBID_after_cancel" if job.state in TERMINAL else "jobs_JOBID")
        tpl = d["vertices"][0]
        st = job.exec_state()
        d.update({"jid": job.jid, "application-id": job.jid, "name": job.name, "state": job.state,
                  "start-time": job.start, "end-time": job.end, "duration": job.elapsed(), "now": now_ms()})
        ts = {k: 0 for k in JOB_STATES}
        ts.update({"INITIALIZING": job.start, "CREATED": job.start + 20, "RUNNING": job.start + 28})
        if job.cancel_at:
            ts["CANCELLING"] = job.cancel_at
        if job.state in TERMINAL:
            ts[job.state] = job.end
        d["timestamps"] = ts
        vs = []
        for v in job.vertices:
            x = copy.deepcopy(tpl)
            x.update({"id": v.id, "name": v.name, "parallelism": v.par, "status": st, "start-time": job.start + 127,
                      "end-time": job.end, "duration": max(0, job.elapsed() - 127), "tasks": self.counts(st, v.par)})
            if job.details_io or job.state in TERMINAL or self.minimal:
                x["metrics"] = self.io_metrics(job, v)
            vs.append(x)
        d["vertices"] = vs
        d["status-counts"] = self.counts(st, len(job.vertices))
        if self.minimal:
            del d["plan"]
        else:
            d["plan"] = self.plan(job)
        return d

    def vertex(self, job, vid):
        return next((v for v in job.vertices if v.id == vid), None)

    def vertex_details(self, job, v):
        d = self.sample("jobs_JOBID_vertices_v0")
        tpl = d["subtasks"][0]
        st = job.exec_state()
        subs = []
        for i in range(v.par):
            tm = job.tm_of(i)
            x = copy.deepcopy(tpl)
            x.update({"subtask": i, "status": st, "attempt": 1 if job.restarts and i == 1 and job.running() else 0,
                      "endpoint": tm.endpoint if tm else "localhost:0", "taskmanager-id": tm.id if tm else "(unassigned)",
                      "start-time": job.start + 127, "start_time": job.start + 127, "end-time": job.end,
                      "duration": max(0, job.elapsed() - 127), "metrics": self.io_metrics(job, v, [i])})
            x["status-duration"] = {"RUNNING": max(0, job.elapsed() - 160), "DEPLOYING": 26, "SCHEDULED": 99, "INITIALIZING": 19, "CREATED": 8}
            subs.append(x)
        d.update({"id": v.id, "name": v.name, "parallelism": v.par, "now": now_ms(), "subtasks": subs})
        agg = {}
        for key in ["write-records", "read-records", "write-bytes", "read-bytes", "accumulated-backpressured-time", "accumulated-idle-time"]:
            vals = [s["metrics"][key] for s in subs]
            agg[key] = {"min": min(vals), "max": max(vals), "avg": sum(vals) // len(vals), "sum": sum(vals),
                        "median": sorted(vals)[len(vals) // 2], "p25": min(vals), "p75": max(vals), "p95": max(vals)}
        d["aggregated"]["metrics"] = agg
        return d

    def vertex_tms(self, job, v):
        d = self.sample("jobs_JOBID_vertices_v0_taskmanagers")
        tpl = d["taskmanagers"][0]
        st = job.exec_state()
        by = {}
        for i in range(v.par):
            tm = job.tm_of(i)
            if tm:
                by.setdefault(tm.id, (tm, []))[1].append(i)
        out = []
        for tm, subs in by.values():
            x = copy.deepcopy(tpl)
            x.update({"endpoint": tm.endpoint, "taskmanager-id": tm.id, "status": st, "start-time": job.start + 127,
                      "end-time": job.end, "duration": max(0, job.elapsed() - 127), "metrics": self.io_metrics(job, v, subs),
                      "status-counts": self.counts(st, len(subs))})
            out.append(x)
        d.update({"id": v.id, "name": v.name, "now": now_ms(), "taskmanagers": out})
        return d

    def backpressure(self, job, v):
        d = self.sample("jobs_JOBID_vertices_v0_backpressure")
        subs = []
        worst = "ok"
        for i in range(v.par):
            busy, bp, idle = job.ratios(v, i)
            lvl = "high" if bp > 0.5 else "low" if bp > 0.1 else "ok"
            if ["ok", "low", "high"].index(lvl) > ["ok", "low", "high"].index(worst):
                worst = lvl
            subs.append({"subtask": i, "backpressureLevel": lvl, "ratio": bp, "idleRatio": idle, "busyRatio": busy, "backpressure-level": lvl})
        d.update({"status": "ok", "backpressureLevel": worst, "backpressure-level": worst, "end-timestamp": now_ms(), "subtasks": subs})
        return d

    def watermarks(self, job, v):
        if v.wm == "none":
            return []
        return [{"id": f"{i}.currentInputWatermark", "value": str(job.watermark(v, i))} for i in range(v.par)]

    def sub_metric(self, job, v, i, name):
        busy, bp, idle = job.ratios(v, i)
        vals = {"numRecordsIn": job.sub_count(v, i, "in"), "numRecordsOut": job.sub_count(v, i, "out"),
                "numRecordsInPerSecond": job.sub_rate(v, i, "in"), "numRecordsOutPerSecond": job.sub_rate(v, i, "out"),
                "busyTimeMsPerSecond": busy * 1000, "backPressuredTimeMsPerSecond": bp * 1000, "idleTimeMsPerSecond": idle * 1000,
                "currentInputWatermark": job.watermark(v, i) if v.wm != "none" else None}
        return vals.get(name)

    def vertex_metrics(self, job, v, get):
        if get is None:
            return self.sample("jobs_JOBID_vertices_v0_metrics")
        out = []
        for mid in get:
            sub, _, name = mid.partition(".")
            if not sub.isdigit() or int(sub) >= v.par:
                continue       # Flink answers only the ids it has; plain ids at vertex level have none
            val = self.sub_metric(job, v, int(sub), name)
            if val is not None:
                out.append({"id": mid, "value": str(val)})
        return out

    def subtasks_metrics(self, job, v, get):
        if get is None:
            return self.sample("jobs_JOBID_vertices_v0_subtasks_metrics")
        out = []
        for name in get:
            vals = [self.sub_metric(job, v, i, name) for i in range(v.par)]
            if any(x is None for x in vals):
                continue
            vals = [float(x) for x in vals]
            avg = sum(vals) / len(vals)
            out.append({"id": name, "min": min(vals), "max": max(vals), "avg": avg, "sum": sum(vals),
                        "skew": (max(vals) - min(vals)) / avg * 100 if avg else 0.0})
        return out

    def exceptions(self, job, max_n):
        d = self.sample("jobs_JOBID_exceptions")
        entries = sorted(job.exceptions, key=lambda e: -e["timestamp"])[:max_n]
        d["exceptionHistory"] = {"entries": entries, "truncated": len(job.exceptions) > max_n}
        return d

    def overview(self):
        d = self.sample("overview")
        jobs = self.all_jobs()
        total = sum(tm.slots for tm in self.tms)
        used = sum(self.used_slots(tm) for tm in self.tms)
        d.update({"taskmanagers": len(self.tms), "slots-total": total, "slots-available": max(0, total - used),
                  "jobs-running": sum(1 for j in jobs if j.running()),
                  "jobs-finished": sum(1 for j in jobs if j.state == "FINISHED"),
                  "jobs-cancelled": sum(1 for j in jobs if j.state == "CANCELED"),
                  "jobs-failed": sum(1 for j in jobs if j.state == "FAILED")})
        return d

    def tm_info(self, tm, detail=False):
        d = self.sample("taskmanagers_TMID" if detail else "taskmanagers")
        if not detail:
            d = d["taskmanagers"][0]
        used = self.used_slots(tm)
        d.update({"id": tm.id, "path": f"pekko.tcp://flink@{tm.host}:{tm.id.split(':')[1].split('-')[0]}/user/rpc/taskmanager_{tm.index}",
                  "dataPort": tm.data_port, "timeSinceLastHeartbeat": now_ms() - random.randint(200, 4000),
                  "slotsNumber": tm.slots, "freeSlots": tm.slots - used})
        alloc = []
        for j in self.all_jobs():
            if j.running():
                for i in range(j.parallelism):
                    if j.tm_of(i) is tm:
                        alloc.append(j)
        d["assignedTasks"] = sum(sum(1 for v in j.vertices if v.par > 0) for j in alloc)
        if detail:
            tpl = d["allocatedSlots"][0]
            slots = []
            for j in alloc:
                x = copy.deepcopy(tpl)
                x.update({"jobId": j.jid, "assignedTasks": len(j.vertices)})
                slots.append(x)
            d["allocatedSlots"] = slots
            m = d["metrics"]
            m["heapUsed"] = int(160709024 * (1 + 0.15 * math.sin(time.time() / 9 + tm.index)) * (0.6 if not alloc else 1))
            m["nettyShuffleMemoryUsed"] = int(1671168 * (1 + 0.5 * math.sin(time.time() / 4)))
        return d

    def tm_metrics(self, tm, get):
        if get is None:
            return self.sample("taskmanagers_TMID_metrics")
        vals = {"Status.JVM.CPU.Load": 0.27 + 0.1 * math.sin(time.time() / 5 + tm.index), "Status.JVM.Memory.Heap.Used": 160709024,
                "Status.JVM.Threads.Count": 58 + tm.index * 3}
        return [{"id": k, "value": str(vals[k])} for k in get if k in vals]

    # ---------------------------------------------------------------------------------------- actions
    def cancel(self, job):
        if job.running() and job.state != "CANCELLING":
            job.state = "CANCELLING"
            job.cancel_at = now_ms()

    def submit(self, body):
        name = str(body.get("job") or "").strip()
        if not name:
            return 400, {"errors": ["missing \"job\": the name of a job from jobs.yaml"]}
        known = {c["name"]: c for c in CATALOG}
        if name not in known:
            return 400, {"errors": [f"unknown job '{name}'; this cluster can run: {', '.join(known)}"]}
        par = body.get("parallelism") or known[name]["parallelism"]
        if not isinstance(par, int) or par < 1:
            return 400, {"errors": ["\"parallelism\" must be a positive integer"]}
        params = {p["name"]: p["default"] for p in known[name]["parameters"]}
        extra = body.get("parameters") or {}
        unknown = sorted(set(extra) - set(params))
        if unknown:
            return 400, {"errors": [f"unknown parameter(s) {', '.join(unknown)}; {name} takes: {', '.join(params)}"]}
        params.update({k: str(v) for k, v in extra.items()})
        free = self.free_slots()
        if len(free) < par:
            return 400, {"errors": [f"not enough free task slots: {name} needs {par}, {len(free)} are free"]}
        jid = hexid(name, time.time(), random.random())
        ids = [hexid(jid, i) for i in range(3)]
        job = Job(jid, name, [
            Vertex(ids[0], f"Source: {name}-source -> parse", par, [], 0, 12000.0 * par, busy=0.35, wm="none"),
            Vertex(ids[1], "process", par, [(ids[0], "HASH")], 12000.0 * par, 3000.0 * par, busy=0.5),
            Vertex(ids[2], f"Sink: {name}-sink", par, [(ids[1], "FORWARD")], 3000.0 * par, 0, busy=0.1),
        ], start=now_ms(), slot_tms=[tm for tm, _ in free[:par]], user_config=params)
        self.add(job)
        return 200, {"jobid": jid, "jobUrl": f"/jobs/{jid}"}


class Handler(BaseHTTPRequestHandler):
    server_version = "MockFlink/2.3"
    protocol_version = "HTTP/1.1"
    cluster: Cluster = None
    dashboard: Path = DEFAULT_DASHBOARD
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def send_json(self, status, obj):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def not_found(self, path):
        self.send_json(404, {"errors": [f"Not found: {path}"]})

    def do_GET(self):
        self.route("GET")

    def do_HEAD(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")

    def serve_static(self, path):
        rel = path.lstrip("/") or "index.html"
        f = (self.dashboard / rel).resolve()
        if not str(f).startswith(str(self.dashboard.resolve())) or not f.is_file():
            if "." in rel.rsplit("/", 1)[-1]:
                return self.send_json(404, {"errors": [f"Unable to load requested file {path}."]})
            f = self.dashboard / "index.html"
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json"}
        body = f.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", types.get(f.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def route(self, method):
        u = urlsplit(self.path)
        path = unquote(u.path)
        q = parse_qs(u.query)
        get = q["get"][0].split(",") if "get" in q else None
        c = self.cluster
        if path.startswith("/__mock/"):
            if path == "/__mock/outage":
                secs = float(q.get("seconds", ["5"])[0])
                c.outage_until = time.time() + secs
                return self.send_json(200, {"outage_until": c.outage_until})
            if path == "/__mock/state":
                return self.send_json(200, {j.jid: {"name": j.name, "state": j.state} for j in c.all_jobs()})
            return self.not_found(path)
        if path.startswith("/v1/"):
            path = path[3:]
        parts = [p for p in path.split("/") if p]
        api_roots = {"config", "overview", "jobs", "taskmanagers", "jobmanager", "jars", "datasets", "cluster"}
        if not parts or parts[0] not in api_roots:
            if method != "GET":
                return self.not_found(path)
            return self.serve_static(path)
        if time.time() < c.outage_until:
            self.close_connection = True       # no response at all: the browser sees a network error
            return
        with c.lock:
            try:
                return self.api(method, parts, q, get)
            except Exception as e:  # noqa: BLE001 — a mock: report, don't die
                import traceback
                traceback.print_exc()
                return self.send_json(500, {"errors": [f"mock error: {e}"]})

    def api(self, method, parts, q, get):
        c = self.cluster
        n = len(parts)
        if method == "POST" and parts == ["jobs", "submit-by-name"]:
            body = self.read_body()
            if not isinstance(body, dict):
                return self.send_json(400, {"errors": ["request body must be a JSON object"]})
            status, res = c.submit(body)
            return self.send_json(status, res)
        if method == "PATCH" and n == 2 and parts[0] == "jobs":
            job = c.jobs.get(parts[1])
            if not job:
                return self.send_json(404, {"errors": [f"Job {parts[1]} not found"]})
            if (q.get("mode", ["cancel"])[0]).upper() != "CANCEL":
                return self.send_json(400, {"errors": ["only mode=cancel is supported by the mock"]})
            c.cancel(job)
            return self.send_json(202, None)
        if method != "GET":
            return self.send_json(405, {"errors": [f"{method} not allowed on /{'/'.join(parts)}"]})

        if parts == ["config"]:
            return self.send_json(200, c.sample("config"))
        if parts == ["overview"]:
            return self.send_json(200, c.overview())
        if parts == ["jobs"]:
            return self.send_json(200, {"jobs": [{"id": j.jid, "status": j.state} for j in c.all_jobs()]})
        if parts == ["jobs", "overview"]:
            return self.send_json(200, {"jobs": [c.overview_entry(j) for j in c.all_jobs()]})
        if parts == ["jars"]:
            # As our JobManager answers: Flink's JarListInfo, plus each job's parallelism and parameters.
            return self.send_json(200, {"address": f"http://localhost:{self.server.server_port}", "files": [
                {"id": j["name"], "name": j["name"], "uploaded": c.t0, "entry": [{"name": j["name"], "description": j["summary"]}],
                 "parallelism": j["parallelism"], "parameters": {p["name"]: p["default"] for p in j["parameters"]}}
                for j in CATALOG]})
        if parts == ["jobs", "metrics"]:
            return self.send_json(200, c.sample("jobs_metrics_aggregated"))
        if parts[0] == "jobs" and n >= 2:
            c.all_jobs()
            job = c.jobs.get(parts[1])
            if not job:
                return self.send_json(404, {"errors": [f"org.apache.flink.runtime.rest.NotFoundException: Job {parts[1]} not found"]})
            rest = parts[2:]
            optional = (["metrics"], ["exceptions"], ["config"], ["checkpoints"], ["accumulators"])
            if c.minimal and (rest in optional or (len(rest) >= 3 and rest[0] == "vertices")):
                return self.not_found("/" + "/".join(parts))
            if not rest:
                return self.send_json(200, c.job_details(job))
            if rest in (["yarn-cancel"], ["cancel"]):
                c.cancel(job)
                return self.send_json(202, {})
            if rest == ["plan"]:
                return self.send_json(200, {"plan": c.plan(job)})
            if rest == ["status"]:
                return self.send_json(200, {"status": job.state})
            if rest == ["config"]:
                d = c.sample("jobs_JOBID_config")
                d.update({"jid": job.jid, "name": job.name})
                d["execution-config"].update({"job-parallelism": job.parallelism, "user-config": job.user_config})
                return self.send_json(200, d)
            if rest == ["exceptions"]:
                return self.send_json(200, c.exceptions(job, int(q.get("maxExceptions", ["20"])[0])))
            if rest == ["metrics"]:
                if get is None:
                    return self.send_json(200, c.sample("jobs_JOBID_metrics"))
                vals = {"uptime": job.elapsed() if job.running() else 0, "numRestarts": job.restarts,
                        "numberOfCompletedCheckpoints": 0}
                return self.send_json(200, [{"id": k, "value": str(vals[k])} for k in get if k in vals])
            if rest in (["checkpoints"], ["checkpoints", "config"], ["accumulators"]):
                return self.send_json(200, c.sample("jobs_JOBID_" + "_".join(rest)))
            if rest[0] == "vertices" and len(rest) >= 2:
                v = c.vertex(job, rest[1])
                if not v:
                    return self.send_json(404, {"errors": [f"JobVertex {rest[1]} not found"]})
                sub = rest[2:]
                if not sub:
                    return self.send_json(200, c.vertex_details(job, v))
                if sub == ["metrics"]:
                    return self.send_json(200, c.vertex_metrics(job, v, get))
                if sub == ["subtasks", "metrics"]:
                    return self.send_json(200, c.subtasks_metrics(job, v, get))
                if sub == ["watermarks"]:
                    return self.send_json(200, c.watermarks(job, v))
                if sub == ["backpressure"]:
                    return self.send_json(200, c.backpressure(job, v))
                if sub == ["taskmanagers"]:
                    return self.send_json(200, c.vertex_tms(job, v))
                if sub in (["subtasktimes"], ["accumulators"]):
                    d = c.sample("jobs_JOBID_vertices_v0_" + sub[0])
                    d.update({"id": v.id, "name": v.name})
                    return self.send_json(200, d)
            return self.not_found("/" + "/".join(parts))
        if parts == ["taskmanagers"]:
            return self.send_json(200, {"taskmanagers": [c.tm_info(tm) for tm in c.tms]})
        if parts == ["taskmanagers", "metrics"]:
            return self.send_json(200, c.sample("taskmanagers_metrics_aggregated"))
        if parts[0] == "taskmanagers" and n >= 2:
            tm = next((t for t in c.tms if t.id == parts[1]), None)
            if not tm:
                return self.send_json(404, {"errors": [f"Could not find TaskExecutor {parts[1]}."]})
            if n == 2:
                return self.send_json(200, c.tm_info(tm, detail=True))
            if parts[2:] == ["metrics"]:
                return self.send_json(200, c.tm_metrics(tm, get))
            return self.not_found("/" + "/".join(parts))
        if parts == ["jobmanager", "config"]:
            return self.send_json(200, c.sample("jobmanager_config"))
        if parts == ["jobmanager", "metrics"]:
            return self.send_json(200, c.sample("jobmanager_metrics" if get is None else "jobmanager_metrics_q_get"))
        if parts == ["jars"]:
            return self.send_json(200, c.sample("jars"))
        if parts == ["datasets"]:
            return self.send_json(200, c.sample("datasets"))
        return self.not_found("/" + "/".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--minimal", action="store_true", help="serve only the core routes (see the module doc)")
    ap.add_argument("--samples", type=Path, default=Path(os.environ.get("FLINK_REST_SAMPLES", "")) if os.environ.get("FLINK_REST_SAMPLES") else find_samples())
    ap.add_argument("--dashboard", type=Path, default=DEFAULT_DASHBOARD)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if not (a.samples / "index.txt").is_file():
        sys.exit(f"mock_flink: no Flink samples at {a.samples} (use --samples DIR)")
    Handler.cluster = Cluster(a.samples, minimal=a.minimal)
    Handler.dashboard = a.dashboard
    Handler.quiet = a.quiet
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    srv.daemon_threads = True
    print(f"mock_flink: http://{a.host}:{srv.server_address[1]}/ (samples {a.samples}, dashboard {a.dashboard})", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
