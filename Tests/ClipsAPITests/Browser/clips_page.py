"""Drives the clips page in headless Chromium (called by ClipsPageBrowserTests.swift).

Usage: clips_page.py BASE_URL ARTIFACT_DIR HANDSHAKE_DIR EXPECTED_JSON
Checks rendering (cards newest first, thumbnails or placeholders, the SVG chat-rate chart), paging, the channel
filter, a clip inserted by the Swift side appearing without a reload, the empty state and the phone layout.
Screenshots go to ARTIFACT_DIR. Exits non-zero with a message on the first failed check or any JavaScript error.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, artifacts, handshake, expected_json = sys.argv[1:5]
expected = json.loads(expected_json)
os.makedirs(artifacts, exist_ok=True)


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


options = Options()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
wait = WebDriverWait(driver, 30, poll_frequency=0.1)


def js(script, *args):
    return driver.execute_script(script, *args)


def card_ids():
    return js("return [...document.querySelectorAll('#clips > li')].map(li => li.dataset.anomalyId)")


def loads():
    return js("return window.__highlights ? window.__highlights.loads : 0")


def page_errors():
    errors = js("return window.__highlightsErrors || []") or []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        # Thumbnails that fail to load are expected (the placeholder takes over); anything else is a bug.
        if entry.get("level") == "SEVERE" and "Failed to load resource" not in message:
            errors.append(message)
    return errors


def shot(name):
    driver.save_screenshot(os.path.join(artifacts, name))


try:
    # 1. First page, newest first, with images or placeholders and a chart per clip.
    driver.get(base + "/?poll=1000")
    wait.until(lambda d: loads() >= 1, "the page never finished its first load")
    ids = card_ids()
    check(ids == expected["all"][: expected["page_size"]],
          f"first page should be the {expected['page_size']} newest clips in order, got {ids[:5]}…")
    # Thumbnails load lazily: judge those of the first screenful (six cards), once each has loaded or given up.
    wait.until(lambda d: js("""return [...document.querySelectorAll('.thumb img')].slice(0, 6).every(img =>
        (img.complete && img.naturalWidth > 0) || img.closest('.thumb').classList.contains('no-image'))"""),
        "the first six thumbnails neither loaded nor fell back to a placeholder")
    thumbs = js("""return [...document.querySelectorAll('.thumb')].slice(0, 6).map(t => ({
        placeholder: t.classList.contains('no-image') && getComputedStyle(t.querySelector('.placeholder')).display !== 'none',
        image: !t.classList.contains('no-image') && t.querySelector('img').naturalWidth > 0,
        initial: t.querySelector('.initial').textContent }))""")
    check(all(t["placeholder"] or t["image"] for t in thumbs), f"every card shows an image or a placeholder: {thumbs}")
    check(any(t["image"] for t in thumbs), "some thumbnails load as images")
    check(any(t["placeholder"] and t["initial"] for t in thumbs), "failed thumbnails show the channel-initial placeholder")
    charts = js("""return [...document.querySelectorAll('#clips > li')].map(li => {
        const svg = li.querySelector('.chart svg'); const line = svg && svg.querySelector('polyline');
        return { svg: !!svg, points: line ? line.getAttribute('points').trim().split(/\\s+/).length : 0,
                 peak: !!(svg && svg.querySelector('circle.peak')), height: svg ? svg.getBoundingClientRect().height : 0 } })""")
    check(all(c["svg"] and c["peak"] and c["height"] > 20 for c in charts), f"every card has a visible SVG chart: {charts[:3]}")
    check(charts[0]["points"] == expected["chart_points"][ids[0]],
          f"the chart plots every chat count ({expected['chart_points'][ids[0]]}), got {charts[0]['points']}")
    first_text = js("return document.querySelector('#clips > li').innerText")
    check(expected["first_title"] in first_text and expected["first_channel"] in first_text,
          f"the newest card shows its title and channel: {first_text!r}")
    check(f"{expected['first_count']} msgs" in first_text, f"the card shows the chat count that triggered it: {first_text!r}")
    shot("clips-desktop.png")

    # 2. Paging: older clips append below, in order, without repeats.
    driver.find_element(By.ID, "more").click()
    wait.until(lambda d: len(card_ids()) > expected["page_size"], "Load older clips added nothing")
    ids = card_ids()
    check(ids == expected["all"][: len(ids)], "the second page continues the first, newest first, no gaps")
    check(len(ids) == min(len(expected["all"]), 2 * expected["page_size"]), f"a second full page, got {len(ids)}")
    check(len(set(ids)) == len(ids), "no repeated clips after paging")

    # 3. Channel filter: only that channel, and the URL says so.
    before = loads()
    Select(driver.find_element(By.ID, "channel")).select_by_value(expected["channel"])
    wait.until(lambda d: loads() > before, "choosing a channel did not reload the list")
    ids = card_ids()
    check(ids == expected["channel_ids"][: expected["page_size"]], f"filtered list is the channel's clips, got {ids[:5]}")
    check(f"channel={expected['channel']}" in driver.current_url, f"the filter is in the URL: {driver.current_url}")
    shot("clips-filtered.png")

    # 4. A clip inserted now appears on top without a reload.
    js("window.__sameDocument = true")
    loads_before = loads()
    open(os.path.join(handshake, "ready-for-insert"), "w").close()
    wait.until(lambda d: card_ids() and card_ids()[0] == expected["new_id"], "the inserted clip did not appear on top")
    check(js("return window.__sameDocument === true") and loads() == loads_before, "the new clip arrived without a reload")
    shot("clips-live-insert.png")

    # 5. Reloading with the filter in the URL restores it.
    driver.get(driver.current_url)
    wait.until(lambda d: loads() >= 1)
    check(Select(driver.find_element(By.ID, "channel")).first_selected_option.get_attribute("value") == expected["channel"],
          "the channel filter survives a reload")
    wait.until(lambda d: expected["channel_name"] in Select(d.find_element(By.ID, "channel")).first_selected_option.text,
               "the channel filter shows the channel's name once the channel list arrives")

    # 6. Empty state: a range with no clips.
    before = loads()
    driver.find_element(By.CSS_SELECTOR, "[data-range='1h']").click()
    wait.until(lambda d: loads() > before)
    check(card_ids() == [] and driver.find_element(By.ID, "empty").is_displayed(), "an empty range shows the empty state")
    check("range=1h" in driver.current_url, "the range is in the URL")
    shot("clips-empty.png")

    # 7. Phone layout: one column, nothing wider than the screen.
    driver.set_window_size(390, 844)
    driver.get(base + "/")
    wait.until(lambda d: loads() >= 1 and len(card_ids()) > 0)
    overflow = js("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, f"no horizontal scrolling on a phone (overflow {overflow}px)")
    columns = js("return getComputedStyle(document.getElementById('clips')).gridTemplateColumns.split(' ').length")
    check(columns == 1, f"one column on a phone, got {columns}")
    shot("clips-phone.png")

    errors = page_errors()
    check(not errors, f"JavaScript errors: {errors}")
    print(json.dumps({"ok": True}))
except Exception as error:  # noqa: BLE001 — every failure is reported with a screenshot
    try:
        shot("clips-failure.png")
        errors = page_errors()
    except Exception:  # noqa: BLE001
        errors = []
    message = f"FAILED: {type(error).__name__}: {error}; page errors: {errors}"
    with open(os.path.join(artifacts, "failure.txt"), "w") as f:
        f.write(message + "\n")
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)
finally:
    driver.quit()
