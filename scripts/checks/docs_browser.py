"""Drives the served Swagger UI page in headless Chromium the way a reader would: expands GET /health, clicks
"Try it out" and "Execute", and checks that the live response rendered by the page is a 200.

Usage: docs_browser.py DOCS_URL SCREENSHOT_PATH
Run by scripts/checks/docs-browser.sh, which starts the servers.
"""

import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

STEP_TIMEOUT = 30  # seconds for each step; the whole run is also bounded by the caller's `timeout`
PATH = "/api/v1/health"
# The operation block of GET /api/v1/health, whatever tag it sits under.
OPBLOCK = f"//div[contains(@class,'opblock-get')][.//*[contains(@class,'opblock-summary-path') and @data-path='{PATH}']]"


def fail(message):
    print(f"docs-browser: FAILED: {message}", file=sys.stderr)
    return 1


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1400",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Debian's driver, named explicitly, so Selenium Manager never tries to download one.
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(STEP_TIMEOUT)
    driver.set_script_timeout(STEP_TIMEOUT)
    return driver


def console_problems(driver):
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return []
    # The browser's own request for /favicon.ico is a 404 the page never asked for.
    return [e["message"] for e in entries if e.get("level") == "SEVERE" and "/favicon.ico" not in e["message"]]


def run(driver, url, screenshot):
    wait = WebDriverWait(driver, STEP_TIMEOUT)

    def step(name, condition):
        try:
            return wait.until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out after {STEP_TIMEOUT}s waiting for {name}") from None

    driver.get(url)
    try:
        opblock = step("the GET /api/v1/health operation to render", EC.presence_of_element_located((By.XPATH, OPBLOCK)))
    except AssertionError:
        # The usual causes: the assets did not load (CSP, integrity, no resources beside the binary) or the document
        # did not parse.
        errors = driver.find_elements(By.CSS_SELECTOR, ".errors-wrapper, .loading-container, #swagger-ui")
        text = " | ".join(e.text.strip() for e in errors if e.text.strip()) or "(the page rendered nothing)"
        raise AssertionError(f"Swagger UI did not render GET {PATH}: {text}") from None

    # The stylesheet too was accepted: one whose bytes do not match its integrity attribute is never applied.
    origin = driver.execute_script("return location.origin;")
    sheets = driver.execute_script("return [...document.styleSheets].map(s => [s.href || '', s.cssRules.length]);")
    if not any(href.endswith("/swagger-ui.css") and rules > 0 for href, rules in sheets):
        raise AssertionError(f"swagger-ui.css was not applied (style sheets: {sheets})")
    sources = driver.execute_script("return [...document.scripts, ...document.querySelectorAll('link[href]')].map(e => e.src || e.href);")
    foreign = [source for source in sources if not source.startswith(origin + "/")]
    if foreign:
        raise AssertionError(f"the page loads from another origin: {foreign}")

    summary = opblock.find_element(By.CSS_SELECTOR, ".opblock-summary-control, .opblock-summary")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", opblock)
    summary.click()
    step('"Try it out"', lambda d: d.find_element(By.XPATH, OPBLOCK + "//button[contains(@class,'try-out__btn')]")).click()
    step('"Execute"', EC.element_to_be_clickable((By.XPATH, OPBLOCK + "//button[contains(@class,'execute')]"))).click()

    # Only the live-responses table holds what the server answered; the documented responses table sits beside it.
    live = OPBLOCK + "//table[contains(@class,'live-responses-table')]"

    def live_status(d):
        cells = d.find_elements(By.XPATH, live + "/tbody/tr/td[contains(@class,'response-col_status')]")
        return cells[0] if cells and cells[0].text.strip() else False

    cell = step("the live response", live_status)
    status = cell.text.strip().split()[0]
    request_url = ""
    for element in driver.find_elements(By.XPATH, OPBLOCK + "//*[contains(@class,'request-url')]//pre"):
        request_url = element.text.strip()
    body = ""
    for element in driver.find_elements(By.XPATH, live + "//*[contains(@class,'response-col_description')]//pre"):
        body = element.text.strip()
        break

    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", opblock)
    os.makedirs(os.path.dirname(screenshot), exist_ok=True)
    driver.save_screenshot(screenshot)

    print(f"docs-browser: request URL {request_url or '(not shown)'}")
    print(f"docs-browser: live response status {status}")
    if body:
        print(f"docs-browser: live response body {body[:200]}{'...' if len(body) > 200 else ''}")
    if status != "200":
        raise AssertionError(f"the live response of GET {PATH} shows status {status}, expected 200")
    if '"status": "ok"' not in body and '"status":"ok"' not in body:
        raise AssertionError(f'the live response body of GET {PATH} does not show "status": "ok"')


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, screenshot = sys.argv[1], sys.argv[2]
    profile = tempfile.mkdtemp(prefix="portside-chromium-")
    try:
        return check(profile, url, screenshot)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check(profile, url, screenshot):
    try:
        driver = browser(profile)
    except WebDriverException as error:
        return fail(f"could not start headless Chromium through /usr/bin/chromedriver: {error.msg or error}")
    failure = None
    try:
        run(driver, url, screenshot)
    except AssertionError as error:
        failure = str(error)
    except WebDriverException as error:
        failure = error.msg or repr(error)
    if failure:
        try:
            os.makedirs(os.path.dirname(screenshot), exist_ok=True)
            driver.save_screenshot(screenshot)
            print(f"docs-browser: screenshot of the failure at {screenshot}", file=sys.stderr)
        except WebDriverException:
            pass
    # Shown; a Content-Security-Policy or integrity refusal fails the check even when the page still rendered.
    for message in console_problems(driver):
        print(f"docs-browser: browser console: {message}", file=sys.stderr)
        if failure is None and ("Content Security Policy" in message or "integrity" in message):
            failure = f"the browser refused part of the page: {message}"
    driver.quit()
    if failure:
        return fail(failure)
    print(f"docs-browser: screenshot at {screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
