"""Debian's headless Chromium, driven through Debian's chromedriver with Selenium (python3-selenium).
Multisite knows no ports: the network's host names are mapped to the test server's port with
--host-resolver-rules, so the browser asks for http://network.test/ as a visitor would."""

import base64
import re
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# WordPress's notice colours (the left border, #d63638 and so on), as red, green, blue.
NOTICE_COLOURS = {
    "error": (214, 54, 56),
    "warning": (219, 166, 23),
    "info": (114, 174, 230),
    "success": (0, 163, 42),
}


def rgb(css_colour):
    """(r, g, b) of a computed CSS colour, rgb() or rgba()."""
    return tuple(int(float(part)) for part in re.findall(r"[\d.]+", css_colour)[:3])


class Browser:
    """One Chromium session (its own profile) in front of one server port."""

    def __init__(self, procs, run_dir, name, port, domain, screenshots, secrets=()):
        self.domain = domain
        self.screenshots = Path(screenshots)
        self.secrets = [s for s in secrets if s]
        self.chromedriver = procs.start(f"chromedriver-{name}", [CHROMEDRIVER, "--port=0"])
        driver_port = self.chromedriver.wait_for_line(r"was started successfully on port (\d+)").group(1)
        profile = tempfile.mkdtemp(prefix=f"chromium-{name}-", dir=run_dir)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            f"--user-data-dir={profile}",
            f"--host-resolver-rules=MAP {domain} 127.0.0.1:{port}, MAP *.{domain} 127.0.0.1:{port}, EXCLUDE localhost",
        ]:
            options.add_argument(flag)
        # The Chromium flavour of the connection knows the DevTools command (full-page screenshots).
        connection = ChromiumRemoteConnection(f"http://127.0.0.1:{driver_port}", vendor_prefix="goog", browser_name="chrome")
        self.driver = webdriver.Remote(command_executor=connection, options=options)
        self.driver.set_page_load_timeout(60)

    def url(self, path):
        return f"http://{self.domain}{path}"

    def open(self, path):
        """Loads a page and checks it: complete, no PHP error shown, no secret in the HTML."""
        self.driver.get(self.url(path))
        return self._checked_page(f"the HTML of {path}")

    def _checked_page(self, what):
        """The loaded page's HTML, once complete, checked: no secret, no PHP error shown."""
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        html = self.driver.page_source
        for secret in self.secrets:
            assert secret not in html, f"a secret appears in {what}"
        for marker in ("Fatal error", "Parse error", "<b>Warning</b>:", "<b>Notice</b>:", "<b>Deprecated</b>:"):
            assert marker not in html, f"{what} shows a PHP error: {marker}"
        return html

    def login(self, user, password):
        self.open("/wp-login.php")
        self.driver.find_element(By.ID, "user_login").send_keys(user)
        self.driver.find_element(By.ID, "user_pass").send_keys(password)
        self.driver.find_element(By.ID, "wp-submit").click()
        WebDriverWait(self.driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "wpadminbar")))

    def notices(self, selector="[data-wu-runcloud-notice]"):
        """The notices matching `selector`: id, WordPress type, text, left border colour."""
        found = []
        for element in self.driver.find_elements(By.CSS_SELECTOR, selector):
            classes = element.get_attribute("class").split()
            kind = next((c[len("notice-"):] for c in classes if c in {f"notice-{k}" for k in NOTICE_COLOURS}), None)
            found.append(
                {
                    "id": element.get_attribute("data-wu-runcloud-notice"),
                    "type": kind,
                    "text": element.text,
                    "colour": rgb(element.value_of_css_property("border-left-color")),
                }
            )
        return found

    def click(self, css):
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, css):
        """Clicks something that loads a new page (a form's button) and waits for that page,
        checked like open(): the old page going stale is the sign, not a sleep."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 30).until(expected_conditions.staleness_of(old))
        return self._checked_page(f"the page after clicking {css}")

    def follow(self, css):
        """Opens the link matching `css` (a row action, shown on hover only), with open()'s checks."""
        href = self.driver.find_element(By.CSS_SELECTOR, css).get_attribute("href")
        assert href.startswith(self.url("")), f"{css} leads away: {href}"
        return self.open(href[len(self.url("")) :])

    def click_and_confirm(self, css):
        """Clicks something that asks a JavaScript confirm() first, and says yes."""
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 10).until(expected_conditions.alert_is_present()).accept()

    def wait_for_text(self, css, text, timeout=30):
        """Waits until the element matching `css` contains `text` (after an AJAX action)."""
        WebDriverWait(self.driver, timeout).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def screenshot(self, name, full_page=True):
        """Saves target/e2e/<name>.png (the whole page by default)."""
        path = self.screenshots / f"{name}.png"
        if full_page:
            metrics = self.cdp("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            shot = self.cdp(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
                },
            )
            path.write_bytes(base64.b64decode(shot["data"]))
        else:
            self.driver.save_screenshot(str(path))
        return path

    def cdp(self, command, params):
        return self.driver.execute("executeCdpCommand", {"cmd": command, "params": params})["value"]

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # the chromedriver process is stopped by PID anyway
            pass
