#!/usr/bin/env python3
"""Headless-Chromium check of the dashboard's savepoint, stop and rescale controls against a running JobManager.

    python Tests/DashboardFixtures/savepoint_check.py --url http://127.0.0.1:8081/ --job NAME --dir /tmp/sp [--shots DIR]

On the job's page: a rescale beyond the cluster's slots shows the server's refusal; Savepoint → a path, the job
keeps running and the savepoint is listed; Rescale to 3 → the operation
completes with a savepoint path, the graph shows ×3 and the job RUNNING, the Savepoints section lists the savepoint
and the restored one; Stop with savepoint into --dir (confirm accepted) → the page shows the path and the job
FINISHED. Prints "SAVEPOINT_PATH <path>" for the caller to inspect, and ends with "N passed, N failed".
"""

import argparse
import sys
import time
from pathlib import Path

from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_check import RESULTS, check, js_errors, make_driver, open_job, rest, set_scheme, shot, wait  # noqa: E402


def text(d, css):
    found = d.find_elements(By.CSS_SELECTOR, css)
    return found[0].text.strip() if found else ""


def operation_outcome(d, timeout, before):
    """Waits until the operation line shows an outcome other than `before` (the line before the click)."""
    def outcome(drv):
        state = drv.find_element(By.ID, "op-status").get_attribute("data-state")
        return state if state in ("done", "failed") and text(drv, "#op-status") != before else None
    return wait(d, outcome, timeout), text(d, "#op-status")


def set_input(d, element_id, value):
    field = d.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--job", required=True, help="name of the running job")
    ap.add_argument("--dir", required=True, help="directory for the stop's savepoint")
    ap.add_argument("--shots", default="/tmp/dashboard-shots")
    a = ap.parse_args()
    base = a.url if a.url.endswith("/") else a.url + "/"
    shots = Path(a.shots)
    shots.mkdir(parents=True, exist_ok=True)
    d = make_driver()
    try:
        set_scheme(d, "dark")
        jid = open_job(d, base, a.job)
        check("job page opened", jid is not None)
        if not jid:
            raise SystemExit(1)
        ok = wait(d, lambda drv: drv.find_element(By.ID, "rescale-job").is_displayed()
                  and drv.find_element(By.ID, "savepoint-job").is_enabled(), 15)
        check("controls: Savepoint, Stop with savepoint and Rescale shown while RUNNING", ok)
        check("controls: directory empty (cluster default) before any savepoint", d.find_element(By.ID, "sp-dir").get_attribute("value") == "")
        empty = wait(d, lambda drv: "No savepoints" in text(drv, "#savepoints"), 10)
        check("savepoints: none listed yet", empty, text(d, "#savepoints")[:120])

        # A rescale the cluster has no slots for: the server's refusal is shown, the job keeps running.
        set_input(d, "rescale-parallelism", "64")
        before = text(d, "#op-status")
        d.find_element(By.ID, "rescale-job").click()
        state, line = operation_outcome(d, 20, before)
        check("rescale to 64: refusal shown", state == "failed" and "slots" in line, line)
        check("rescale to 64: job still RUNNING", rest(base, f"jobs/{jid}/status")["status"] == "RUNNING")

        # A savepoint that keeps the job running, into the cluster's default directory (the field left empty).
        before = text(d, "#op-status")
        d.find_element(By.ID, "savepoint-job").click()
        state, line = operation_outcome(d, 120, before)
        kept_path = text(d, "#op-path")
        check("savepoint: completed with a path", state == "done" and kept_path.startswith("file:"), line)
        running = wait(d, lambda drv: text(drv, ".job-title .badge") == "RUNNING"
                       and rest(base, f"jobs/{jid}/status")["status"] == "RUNNING", 30)
        check("savepoint: the job keeps RUNNING", running, text(d, ".job-title .badge"))
        listed = wait(d, lambda drv: kept_path in text(drv, "#savepoints .savepoints"), 15)
        check("savepoints: the savepoint listed", listed, text(d, "#savepoints")[:200])
        prefilled = wait(d, lambda drv: drv.find_element(By.ID, "sp-dir").get_attribute("value") != "", 10)
        check("controls: directory prefilled from the last savepoint", prefilled and kept_path[len("file:"):].startswith(
            d.find_element(By.ID, "sp-dir").get_attribute("value") + "/savepoint-"), d.find_element(By.ID, "sp-dir").get_attribute("value"))

        # Rescale to 3.
        set_input(d, "rescale-parallelism", "3")
        before = text(d, "#op-status")
        d.find_element(By.ID, "rescale-job").click()
        seen = wait(d, lambda drv: drv.find_element(By.ID, "op-status").get_attribute("data-state") in ("progress", "done"), 5)
        check("rescale: operation shown", seen)
        state, line = operation_outcome(d, 120, before)
        rescale_path = text(d, "#op-path")
        check("rescale: completed with a savepoint path", state == "done" and rescale_path.startswith("file:"), line)
        pars = wait(d, lambda drv: (lambda t: t if "×3" in t else None)(
            [e.text for e in drv.find_elements(By.CSS_SELECTOR, "svg.graph-svg .node-par")]), 30)
        check("rescale: the graph shows parallelism 3", pars, f"{[e.text for e in d.find_elements(By.CSS_SELECTOR, 'svg.graph-svg .node-par')]}")
        running = wait(d, lambda drv: text(drv, ".job-title .badge") == "RUNNING", 30)
        check("rescale: the job is RUNNING again", running, text(d, ".job-title .badge"))
        listed = wait(d, lambda drv: rescale_path in text(drv, "#savepoints .savepoints"), 15)
        check("savepoints: the rescale's savepoint listed", listed, text(d, "#savepoints")[:200])
        restored = wait(d, lambda drv: rescale_path in text(drv, "#sp-restored"), 15)
        check("savepoints: restored from it", restored, text(d, "#sp-restored"))
        time.sleep(0.5)
        shot(d, shots / "job-rescaled-dark.png")

        # Stop with a savepoint into --dir.
        set_input(d, "sp-dir", a.dir)
        before = text(d, "#op-status")
        d.find_element(By.ID, "stop-job").click()
        alert = wait(d, lambda drv: drv.switch_to.alert, 5)
        check("stop: asks for confirmation", alert)
        if alert:
            alert.accept()
        state, line = operation_outcome(d, 120, before)
        path = text(d, "#op-path")
        check("stop: completed with a path in the directory", state == "done" and path.startswith(f"file:{a.dir.rstrip('/')}/"), line)
        print(f"SAVEPOINT_PATH {path}", flush=True)
        finished = wait(d, lambda drv: text(drv, ".job-title .badge") == "FINISHED", 30)
        check("stop: the job shows FINISHED", finished, text(d, ".job-title .badge"))
        check("stop: REST agrees", rest(base, f"jobs/{jid}/status")["status"] == "FINISHED")
        check("stop: controls hidden once finished", not d.find_element(By.ID, "rescale-job").is_displayed())
        listed = wait(d, lambda drv: path in text(drv, "#savepoints .savepoints") and "Stop" in text(drv, "#savepoints .savepoints"), 15)
        check("savepoints: the stop's savepoint listed as a stop", listed, text(d, "#savepoints")[:300])
        time.sleep(0.5)
        shot(d, shots / "job-stopped-savepoints-dark.png")
        set_scheme(d, "light")
        time.sleep(0.5)
        shot(d, shots / "job-stopped-savepoints-light.png")

        errs = js_errors(d)
        check("no JavaScript errors in the console", not errs, "; ".join(errs[:3]))
    finally:
        d.quit()
        passed = sum(1 for _, ok in RESULTS if ok)
        failed = len(RESULTS) - passed
        print(f"\n{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
