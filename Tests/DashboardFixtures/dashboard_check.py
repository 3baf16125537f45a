#!/usr/bin/env python3
"""Headless-Chromium check of the Dataflow dashboard against the mock JobManager (or a real one with --url).

    python3 -m venv /tmp/dashvenv && /tmp/dashvenv/bin/pip install selenium     # once
    apt-get install -y chromium chromium-driver                                 # once
    /tmp/dashvenv/bin/python Tests/DashboardFixtures/dashboard_check.py [--url http://127.0.0.1:8081/] [--shots DIR]

Without --url it starts mock_flink.py on free ports (and once more with --minimal). It opens the
dashboard, waits for the job list, opens the jobs, checks the SVG graph against the REST plan (a node per vertex,
edge labels HASH/FORWARD), the Long.MIN_VALUE "no watermark" mark, that a records counter moves, cancels a job
(accepting the confirm) and waits for CANCELED, lists the catalog's jobs by name on the Submit page
(GET /jars) and submits one, checks the "unreachable" banner (mock only), and fails on JavaScript errors. Screenshots go to /tmp/dashboard-shots/.
Ends with "N passed, N failed".
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append((name, bool(ok)))
    print(f"{'PASS' if ok else 'FAIL'}  {name}{'  — ' + detail if detail else ''}", flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mock(*extra):
    port = free_port()
    p = subprocess.Popen([sys.executable, str(HERE / "mock_flink.py"), str(port), "--quiet", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "config", timeout=1).read()
            return p, base
        except OSError:
            if p.poll() is not None:
                sys.exit(f"mock_flink.py exited: {p.stdout.read()}")
            time.sleep(0.1)
    p.kill()
    sys.exit("mock_flink.py did not start")


def rest(base, path):
    with urllib.request.urlopen(base + path, timeout=5) as r:
        return json.loads(r.read() or b"null")


def rest_cancel(base, jid):
    req = urllib.request.Request(base + f"jobs/{jid}?mode=cancel", method="PATCH")
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


def make_driver(width=1440, height=900):
    opts = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
              "--force-device-scale-factor=1", "--hide-scrollbars"]:
        opts.add_argument(a)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        opts.binary_location = binary
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=opts)


def set_scheme(d, scheme):
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def shot(d, path, full=True):
    """Full-page screenshot (the window grows to the page height, then shrinks back)."""
    size = d.get_window_size()
    d.execute_script("window.scrollTo(0, 0)")
    if full:
        h = d.execute_script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
        d.set_window_size(size["width"], max(size["height"], min(int(h) + 20, 4000)))
        time.sleep(0.4)
    d.save_screenshot(str(path))
    if full:
        d.set_window_size(size["width"], size["height"])
    print(f"      screenshot {path}")


def wait(d, cond, timeout=10, msg=""):
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.2).until(lambda drv: cond(drv))
    except TimeoutException:
        return None


def js_errors(d):
    bad = []
    for e in d.get_log("browser"):
        m = e.get("message", "")
        if e.get("level") != "SEVERE":
            continue
        if "Failed to load resource" in m or "net::ERR_" in m or "/__mock/" in m:
            continue      # expected while the mock simulates an outage
        if "Some data could not be loaded" in m:
            continue
        bad.append(m)
    return bad


def open_job(d, base, name_part):
    d.get(base + "#/jobs")
    row = wait(d, lambda drv: next((a for a in drv.find_elements(By.CSS_SELECTOR, "a.job-name") if name_part in a.text), None), 10)
    if not row:
        return None
    href = row.get_attribute("href")
    row.click()
    jid = href.rsplit("/", 1)[-1]
    wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.node")) > 0, 10)
    return jid


def graph_checks(d, base, jid, label, expect_ships):
    plan = rest(base, f"jobs/{jid}/plan")["plan"]
    vids = {n["id"] for n in plan["nodes"]}
    nodes = d.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.node")
    got = {n.get_attribute("data-vertex") for n in nodes}
    check(f"{label}: one SVG node per plan vertex ({len(vids)})", got == vids, f"got {sorted(got)}")
    ships = [n["ship_strategy"] for n in plan["nodes"] for n in n.get("inputs", [])]
    labels = [t.text for t in d.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.edge-label text")]
    check(f"{label}: edge labels match ship_strategy {sorted(set(ships))}", sorted(labels) == sorted(ships), f"labels {labels}")
    for s in expect_ships:
        check(f"{label}: an edge labelled {s}", s in labels)
    titles = [t.text for t in d.find_elements(By.CSS_SELECTOR, "svg.graph-svg .node-title")]
    check(f"{label}: node titles shown", all(titles) and len(titles) == len(vids), f"{titles}")


def minimal_pass(d, base):
    """A JobManager with only the core routes: the graph comes from /jobs/:id/plan, numbers from vertices[].metrics."""
    d.get(base + "#/overview")
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#view table.tbl tbody tr.row-link"), 10)
    job = next(j for j in rest(base, "jobs/overview")["jobs"] if j["name"] == "clip-detector-replay")
    open_job(d, base, job["name"])
    graph_checks(d, base, job["jid"], "minimal server", ["HASH", "FORWARD"])
    sel = "svg.graph-svg g.node .node-val"
    first = [e.text for e in d.find_elements(By.CSS_SELECTOR, sel)]
    changed = wait(d, lambda drv: [e.text for e in drv.find_elements(By.CSS_SELECTOR, sel)] != first, 12)
    check("minimal server: counters move (from vertices[].metrics)", changed)
    rates = wait(d, lambda drv: "k/s" in drv.find_element(By.CSS_SELECTOR, ".vertices").text, 12)
    check("minimal server: rates derived from counter deltas", rates)
    rows = d.find_elements(By.CSS_SELECTOR, "#subtasks tbody tr")
    check("minimal server: subtasks listed from /vertices/:vid", len(rows) >= 1, f"{len(rows)} rows")
    errs = [e for e in d.find_elements(By.CSS_SELECTOR, ".view-error") if e.is_displayed()]
    check("minimal server: missing optional routes raise no error banner", not errs, errs[0].text if errs else "")
    check("minimal server: no 'unreachable' banner", not d.find_element(By.ID, "banner").is_displayed())
    shot(d, Path(SHOTS) / "job-minimal-server-dark.png")


SHOTS = "/tmp/dashboard-shots"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="dashboard base URL of a running JobManager (default: start the mock)")
    ap.add_argument("--shots", default="/tmp/dashboard-shots")
    ap.add_argument("--job", help="with --url: the running job to open and cancel (default: the first running one)")
    ap.add_argument("--catalog", help="with --url: the JobManager's jobs.yaml job names, comma-separated; the Submit page "
                    "must list each and the first is submitted from it")
    a = ap.parse_args()
    global SHOTS
    SHOTS = a.shots
    shots = Path(a.shots)
    shots.mkdir(parents=True, exist_ok=True)
    procs = []
    if a.url:
        base = a.url if a.url.endswith("/") else a.url + "/"
        base_min = None
    else:
        p, base = start_mock()
        p3, base_min = start_mock("--minimal")
        procs += [p, p3]
    d = make_driver()
    try:
        # ---------------------------------------------------------------------------------------- overview
        set_scheme(d, "light")
        d.get(base)
        rows = wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#view table.tbl tbody tr.row-link") or None, 15)
        check("overview: job list rendered", rows, f"{len(rows or [])} rows")
        ov = rest(base, "overview")
        wait(d, lambda drv: drv.find_element(By.ID, "hdr-tms").text == str(ov["taskmanagers"]), 5)
        check("overview: header shows TaskManagers from /overview", d.find_element(By.ID, "hdr-tms").text == str(ov["taskmanagers"]))
        kpi_text = d.find_element(By.CSS_SELECTOR, ".kpis").text
        check("overview: slots available/total shown", f"{ov['slots-available']} / {ov['slots-total']}" in kpi_text, kpi_text.replace("\n", " | "))
        check("overview: version shown", ov["flink-version"] in kpi_text)
        time.sleep(0.6)
        shot(d, shots / "overview-light.png")
        set_scheme(d, "dark")
        time.sleep(0.4)
        shot(d, shots / "overview-dark.png")

        # ------------------------------------------------------------------------- captured Flink job (HASH)
        jobs = rest(base, "jobs/overview")["jobs"]
        running = [j for j in jobs if j["state"] == "RUNNING"]
        check("REST: at least one running job", running)
        flink_job = next((j for j in running if "ClipBench" in j["name"]), running[0] if running else None)
        if flink_job:
            jid = open_job(d, base, flink_job["name"][:20])
            check("job page opened from the list", jid == flink_job["jid"], f"{jid}")
            graph_checks(d, base, flink_job["jid"], "captured job" if "ClipBench" in flink_job["name"] else flink_job["name"],
                         ["HASH"] if "ClipBench" in flink_job["name"] else [])
            wait(d, lambda drv: "/s" in drv.find_element(By.CSS_SELECTOR, ".kpis").text, 8)
            time.sleep(0.5)
            shot(d, shots / "job-flink-dark.png")

        # ---------------------------------------------------------------- Dataflow-style job (HASH + FORWARD)
        df = next((j for j in running if j["name"] == "clip-detector-replay"), None)
        if a.url and a.job:
            df = None
            check(f"REST: job {a.job} is running", any(j["name"] == a.job for j in running))
            running = [j for j in running if j["name"] == a.job] or running
        if df or (a.url and running):
            target = df or running[0]
            jid = open_job(d, base, target["name"])
            graph_checks(d, base, target["jid"], target["name"], ["HASH", "FORWARD"] if df else (["HASH"] if a.job else []))
            # A records counter moves between polls.
            nodes = d.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.node")
            src = next((n for n in nodes if n.find_element(By.CSS_SELECTOR, ".node-title").text.startswith("Source")), nodes[0])
            vid = src.get_attribute("data-vertex")
            sel = f'svg.graph-svg g.node[data-vertex="{vid}"] .node-val'
            first = [e.text for e in d.find_elements(By.CSS_SELECTOR, sel)]
            changed = wait(d, lambda drv: [e.text for e in drv.find_elements(By.CSS_SELECTOR, sel)] != first, 12)
            check("live: a records counter changes within 12 s", changed,
                  f"{first} → {[e.text for e in d.find_elements(By.CSS_SELECTOR, sel)]}")
            # Watermarks and exceptions: what the page shows must match what the REST API says.
            wm_text = d.find_element(By.CSS_SELECTOR, "svg.graph-svg").text + d.find_element(By.CSS_SELECTOR, ".vertices").text
            plan = rest(base, f"jobs/{target['jid']}/plan")["plan"]
            wms = []
            for n in plan["nodes"]:
                try:
                    wms += [float(x["value"]) for x in rest(base, f"jobs/{target['jid']}/vertices/{n['id']}/watermarks") or []]
                except OSError:
                    pass
            if any(w <= -9.2e18 for w in wms):
                check("watermarks: Long.MIN_VALUE shown as 'no watermark'/idle", "no watermark" in wm_text or "idle" in wm_text)
            if any(w > 0 for w in wms):
                check("watermarks: event-time watermarks shown", "wm " in wm_text)
            if a.url:
                # Busy and backpressure per vertex come from the runtime's task time (REST backpressure endpoint).
                vx = wait(d, lambda drv: (lambda t: t if "%" in t else None)(drv.find_element(By.CSS_SELECTOR, ".vertices").text), 12)
                check("vertices: busy/backpressure shares shown", vx, (vx or d.find_element(By.CSS_SELECTOR, ".vertices").text)[:160].replace("\n", " | "))
                bp = rest(base, f"jobs/{target['jid']}/vertices/{vid}/backpressure")
                check("REST: backpressure has a level and per-subtask ratios", bp.get("backpressureLevel") in ("ok", "low", "high")
                      and bp.get("subtasks"), json.dumps(bp)[:160])
            sub = d.find_element(By.ID, "subtasks").text
            check("subtasks: TaskManager of each subtask shown", "RUNS ON" in sub.upper() and len(
                d.find_elements(By.CSS_SELECTOR, "#subtasks tbody tr a[href*='taskmanagers']")) >= 1, sub[:120].replace("\n", " | "))
            exc = d.find_element(By.CSS_SELECTOR, ".exceptions").text
            try:
                entries = (rest(base, f"jobs/{target['jid']}/exceptions").get("exceptionHistory") or {}).get("entries") or []
            except OSError:
                entries = None
            if entries:
                first = entries[0]["exceptionName"].split("\n")[0][:30]
                check("exceptions: history entry shown", first in exc, exc[:100])
            elif entries is None:
                check("exceptions: missing endpoint shown as unavailable", "not available" in exc, exc[:100])
            else:
                check("exceptions: empty history shown as such", "No exceptions" in exc, exc[:100])
            # Select another vertex by clicking its node: the URL and the selection follow.
            nodes = d.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.node")
            if len(nodes) > 1:
                nodes[1].click()
                vid2 = nodes[1].get_attribute("data-vertex")
                ok = wait(d, lambda drv: vid2 in drv.current_url and "selected" in nodes[1].get_attribute("class"), 5)
                check("graph: clicking a node selects the vertex", ok)
            set_scheme(d, "light")
            time.sleep(0.5)
            shot(d, shots / "job-light.png")
            set_scheme(d, "dark")
            time.sleep(0.5)
            shot(d, shots / "job-dark.png")

            # Cancel (confirm dialog accepted) → CANCELED.
            d.execute_script("window.scrollTo(0, 0)")
            btn = d.find_element(By.ID, "cancel-job")
            check("cancel: button visible for a running job", btn.is_displayed())
            btn.click()
            alert = wait(d, lambda drv: drv.switch_to.alert, 5)
            check("cancel: asks for confirmation", alert)
            if alert:
                alert.accept()
            badge = wait(d, lambda drv: (lambda t: t if t == "CANCELED" else None)(
                drv.find_element(By.CSS_SELECTOR, ".job-title .badge").text.strip()), 12)
            check("cancel: job shows CANCELED", badge == "CANCELED", f"badge {d.find_element(By.CSS_SELECTOR, '.job-title .badge').text}")
            check("cancel: REST agrees", rest(base, f"jobs/{target['jid']}/status")["status"] == "CANCELED")
            check("cancel: button hidden once canceled", not d.find_element(By.ID, "cancel-job").is_displayed())

        # ---------------------------------------------------------------------------------------------- jobs
        d.get(base + "#/jobs")
        ok = wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, ".jobs tbody tr")) == len(rest(base, "jobs/overview")["jobs"]), 10)
        check("jobs: every job of /jobs/overview listed", ok)
        d.find_element(By.CSS_SELECTOR, ".chips .chip:nth-child(5)").click()      # Failed
        ok = wait(d, lambda drv: all("FAILED" in r.text for r in drv.find_elements(By.CSS_SELECTOR, ".jobs tbody tr")), 5)
        check("jobs: status filter", ok)
        d.find_element(By.CSS_SELECTOR, ".chips .chip:nth-child(1)").click()
        time.sleep(0.3)
        set_scheme(d, "light")
        time.sleep(0.3)
        shot(d, shots / "jobs-light.png", full=False)
        set_scheme(d, "dark")

        # ------------------------------------------------------------------------------------ TaskManagers
        d.get(base + "#/taskmanagers")
        tms = rest(base, "taskmanagers")["taskmanagers"]
        ok = wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, ".tms tbody tr")) == len(tms), 10)
        check(f"taskmanagers: {len(tms)} rows", ok)
        shot(d, shots / "taskmanagers-dark.png")
        if tms:
            d.find_element(By.CSS_SELECTOR, ".tms tbody tr a").click()
            ok = wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".slots .slot"), 10)
            check("taskmanager: slot tiles shown", ok and len(ok) == tms[0]["slotsNumber"], f"{len(ok or [])}")
            time.sleep(0.5)
            shot(d, shots / "taskmanager-dark.png")

        # ------------------------------------------------------------------------------------------ submit
        # The catalog comes from GET /jars: every job of jobs.yaml is listed by name; no fallback note is accepted.
        names = a.catalog.split(",") if a.url else ["chat-publish", "clip-detector-replay", "kafka-read-bench", "postgres-sink-bench"]
        if a.url and not a.catalog:
            check("submit: --catalog names the jobs.yaml jobs to expect", False)
        d.get(base + "#/submit")
        items = wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".cat-item") or None, 10) or []
        listed = {i.get_attribute("data-job"): i.find_element(By.CSS_SELECTOR, ".cat-name").text for i in items}
        for name in names:
            check(f"submit: catalog lists {name}", listed.get(name) == name, f"listed: {sorted(listed)}")
        check("submit: no catalog error note", not d.find_elements(By.CSS_SELECTOR, ".submit-grid .note"),
              d.find_element(By.ID, "view").text[:200])
        target = next((i for i in items if i.get_attribute("data-job") == names[0]), None)
        if target is not None:
            target.click()
            check(f"submit: picking {names[0]} fills the form", d.find_element(By.ID, "job-name").get_attribute("value") == names[0])
            par = d.find_element(By.ID, "job-parallelism")
            par.clear()
            par.send_keys("1")
            time.sleep(0.3)
            shot(d, shots / "submit-dark.png")
            before = {j["jid"] for j in rest(base, "jobs/overview")["jobs"]}
            d.find_element(By.CSS_SELECTOR, "form.submit-form button[type=submit]").click()
            ok = wait(d, lambda drv: "#/jobs/" in drv.current_url and drv.find_elements(By.CSS_SELECTOR, "svg.graph-svg g.node"), 20)
            new = {j["jid"]: j for j in rest(base, "jobs/overview")["jobs"] if j["jid"] not in before}
            check("submit: job started and its page opened", ok and len(new) == 1 and list(new)[0] in d.current_url, f"{list(new)}")
            check(f"submit: the new job is {names[0]} at parallelism 1",
                  len(new) == 1 and list(new.values())[0]["name"] == names[0]
                  and all(v["parallelism"] == 1 for v in rest(base, "jobs/" + list(new)[0])["vertices"]), f"{list(new.values())}")
            if a.url:
                for jid in new:
                    rest_cancel(base, jid)
        # A bad submission shows the server's error in the form.
        d.get(base + "#/submit")
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".cat-item"), 10)
        name = d.find_element(By.ID, "job-name")
        name.clear()
        name.send_keys("no-such-job")
        d.find_element(By.CSS_SELECTOR, "form.submit-form button[type=submit]").click()
        err = wait(d, lambda drv: (lambda e: e if e.is_displayed() and ("unknown job" in e.text or "no-such-job" in e.text) else None)(
            drv.find_element(By.CSS_SELECTOR, ".form-error")), 8)
        check("submit: server error shown in the form", err)

        # ------------------------------------------------------------------------------- unreachable banner
        if not a.url:
            d.get(base + "#/overview")
            wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#view table.tbl tbody tr.row-link"), 10)
            rest(base, "__mock/outage?seconds=7")
            shown = wait(d, lambda drv: drv.find_element(By.ID, "banner").is_displayed(), 10)
            check("offline: 'unreachable' banner appears", shown, d.find_element(By.ID, "banner").text.replace("\n", " "))
            if shown:
                shot(d, shots / "offline-dark.png", full=False)
            gone = wait(d, lambda drv: not drv.find_element(By.ID, "banner").is_displayed(), 25)
            check("offline: banner clears when the JobManager answers again", gone)

        if base_min:
            minimal_pass(d, base_min)

        errs = js_errors(d)
        check("no JavaScript errors in the console", not errs, "; ".join(errs[:3]))
    finally:
        d.quit()
        for p in procs:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"\n{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
