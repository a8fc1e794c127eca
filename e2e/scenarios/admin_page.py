"""The RunCloud page of the network admin, in a real browser: each certificate state produced the
way it happens (the emulator's DNS control plane decides which names validate), the per-app
panel (connection, SSL, drift), the background actions (queued, then done), Retry, Dismiss, and a
table of thousands of rows. Screenshots: target/e2e/network-admin-runcloud-page-*.png."""

import re
import time

from harness.runner import scenario
from scenarios.admin_notices import DASHBOARD, assert_for_people, assert_notice

PAGE = "/wp-admin/network/admin.php?page=wu-runcloud"
FOUR_DAYS = 4 * 86400  # past the last certificate retry (3.8 days)
AFTER_CERTIFICATE_JOB = 120


def rows(browser):
    """The domains table: name => {cert per app column, error text, row actions}."""
    table = {}
    for row in browser.driver.find_elements("css selector", "#the-list tr"):
        names = row.find_elements("css selector", "strong[data-domain]")
        if not names:
            continue
        table[names[0].get_attribute("data-domain")] = {
            "cert": [c.get_attribute("data-cert") for c in row.find_elements("css selector", ".wu-runcloud-cert")],
            "state": [c.text for c in row.find_elements("css selector", ".wu-runcloud-cert")],
            "error": row.find_element("css selector", "td.column-error").get_attribute("textContent").strip(),
            "actions": [a.get_attribute("class") for a in row.find_elements("css selector", ".row-actions a")],
        }
    return table


def click_action(browser, action):
    """Clicks one of the page's POST buttons (Sync now, Test connection, Check drift)."""
    browser.submit(f"#wu-runcloud-{action}")


def job_row(browser):
    """The newest background action's row: id, status, text."""
    row = browser.driver.find_element("css selector", "#wu-runcloud-jobs tbody tr")
    return row.get_attribute("data-wu-runcloud-job"), row.get_attribute("data-status"), row.text


@scenario("the RunCloud page shows a domain in each certificate state, produced through the emulator's DNS: covered, pending with its next try, parked waiting for DNS, blocking (covered before, DNS moved away), failed after the last try with its reason; views filter them, search finds them; the blocking and failed notices link to it")
def runcloud_page_certificate_states(ctx):
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["covered.example.com", "moved.example.com"]})
    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB)

    # Failed: its DNS never points here; the retries run out (12 tries over 3.8 days).
    ctx.emulator.set_dns("never.example.net", False)
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["never.example.net"]})
    ctx.run_queue(advance=FOUR_DAYS)

    # Parked: never covered, does not validate: taken off the app, waiting for its DNS.
    ctx.emulator.set_dns("parked.example.org", False)
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["parked.example.org"]})
    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB)

    # Blocking: covered before, its DNS moves away; the next redeploy (for a new mapping) names it.
    ctx.emulator.set_dns("moved.example.com", False)
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["waiting.example.com"]})
    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB)

    # Pending: just added; the certificate job comes later.
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["fresh.example.com"]})
    ctx.run_queue()

    expected = {
        "covered.example.com": "covered",
        "moved.example.com": "blocking",
        "never.example.net": "failed",
        "parked.example.org": "parked",
        "waiting.example.com": "pending",
        "fresh.example.com": "pending",
    }
    plugin = ctx.plugin()
    assert {r["name"]: r["targets"]["1:1"]["cert"] for r in plugin["domains"]} == expected, plugin["domains"]
    assert "never.example.net" not in ctx.emulator.names() and "parked.example.org" not in ctx.emulator.names(), "parked and failed names are off the app"

    browser = ctx.browser()
    started = time.monotonic()
    browser.open(PAGE)
    print(f"    the page answered in {time.monotonic() - started:.2f} s")
    table = rows(browser)
    assert {name: row["cert"] for name, row in table.items()} == {name: [cert] for name, cert in expected.items()}, table
    assert "next try in" in table["fresh.example.com"]["state"][0], table["fresh.example.com"]
    assert "next try in" in table["parked.example.org"]["state"][0] and "tries failed" in table["parked.example.org"]["state"][0], table["parked.example.org"]
    assert "got no certificate after 12 tries over 3.8 days" in table["never.example.net"]["error"], table["never.example.net"]
    assert "never.example.net does not point to this server" in table["never.example.net"]["error"], "the failed row gives Let's Encrypt's reason"
    assert "no longer validates" in table["moved.example.com"]["error"], table["moved.example.com"]
    assert "moved.example.com blocks" in table["waiting.example.com"]["error"], "the waiting name says what it waits for"
    for name in ("never.example.net", "moved.example.com", "waiting.example.com", "parked.example.org", "fresh.example.com"):
        assert "wu-runcloud-retry" in table[name]["actions"], f"{name} can be retried: {table[name]}"
    assert "wu-runcloud-retry" not in table["covered.example.com"]["actions"]
    for row in table.values():
        assert_for_people(row["error"])

    app = browser.driver.find_element("css selector", 'table.wu-runcloud-app[data-target="1:1"]')
    assert "moved.example.com" in app.find_element("css selector", 'tr[data-row="blocking"]').text
    assert re.search(r"\b\d+ of 100\b", app.find_element("css selector", 'tr[data-row="names"]').text)
    assert "Basic: one Let's Encrypt certificate" in app.find_element("css selector", 'tr[data-row="ssl"]').text

    notices = browser.notices()
    assert_notice(notices, "certificate-failed", "error", "never.example.net got no certificate after 12 tries", "Point never.example.net", "Open the RunCloud page")
    assert_notice(notices, "certificate-blocked", "error", "moved.example.com no longer validates", "Point moved.example.com", "Open the RunCloud page")
    browser.screenshot("network-admin-runcloud-page-certificate-states")

    browser.open(PAGE + "&view=parked")
    assert list(rows(browser)) == ["parked.example.org"], rows(browser)
    browser.open(PAGE + "&s=example.net")
    assert list(rows(browser)) == ["never.example.net"], rows(browser)


@scenario("the RunCloud page's per-app panel and Sync now: Test connection answers in seconds (the web app's name; then a 403 with the extension's guidance); Check drift and Sync now are queued, shown queued, then done (polled), the domains added and covered; orphans go only after an explicit confirmation")
def runcloud_page_sync_now(ctx):
    # Mapped while the integration was off: UM's events did nothing; RunCloud lacks all three.
    ctx.wp.cli("set-network-option", {"name": "wu_host_integrations_enabled", "value": {"runcloud": False}})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["one.example.com", "two.example.com", "three.example.com"]})
    ctx.run_queue()
    ctx.wp.cli("set-network-option", {"name": "wu_host_integrations_enabled", "value": {"runcloud": True}})
    ctx.emulator.control("POST", "/seed", {"server_id": 1, "app_id": 1, "count": 1})
    orphans = ctx.emulator.names()
    assert len(orphans) == 1, orphans

    browser = ctx.browser()
    browser.open(PAGE)
    started = time.monotonic()
    click_action(browser, "test")
    print(f"    Test connection answered in {time.monotonic() - started:.2f} s")
    assert "Connection tested: RunCloud answered" in browser.text('[data-wu-runcloud-page-message="action-done"]')
    assert "RunCloud answered; the web app was found" in browser.text('table.wu-runcloud-app tr[data-row="connection"]')

    click_action(browser, "drift")
    assert "drift check is queued" in browser.text('[data-wu-runcloud-page-message="action-done"]')
    ctx.run_queue()
    browser.open(PAGE)
    drift = browser.text('table.wu-runcloud-app tr[data-row="drift"]')
    assert "3 missing, 1 orphan(s)" in drift and "one.example.com" in drift, drift

    click_action(browser, "sync")
    job, status, text = job_row(browser)
    assert status == "queued" and "Sync now (missing domains)" in text and "Queued" in text, text
    browser.screenshot("network-admin-runcloud-page-sync-queued")
    assert ctx.emulator.names() == orphans, "the page request sent nothing: the job is queued"

    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB)
    # The page polls admin-ajax while the job is queued: it shows the outcome without a reload.
    browser.wait_for_text(f'[data-wu-runcloud-job="{job}"] .wu-runcloud-job-status', "Done", timeout=20)
    assert "3 change(s) applied" in browser.text(f'[data-wu-runcloud-job="{job}"] .wu-runcloud-job-result')
    browser.open(PAGE)
    assert {name: row["cert"] for name, row in rows(browser).items()} == {n: ["covered"] for n in ("one.example.com", "two.example.com", "three.example.com")}, rows(browser)
    browser.screenshot("network-admin-runcloud-page-sync-done")
    assert sorted(ctx.emulator.names()) == sorted(orphans + ["one.example.com", "three.example.com", "two.example.com"]), "Sync now never removes"

    # Orphans: the button does nothing until the box is ticked, then asks for a confirmation.
    browser.driver.find_element("css selector", "#wu-runcloud-orphans-submit").click()
    assert len(ctx.plugin()["admin_jobs"]) == 2, "not ticked: nothing queued"
    browser.driver.find_element("css selector", "#wu-runcloud-confirm-orphans").click()
    browser.click_and_confirm("#wu-runcloud-orphans-submit")
    browser.wait_for_text('[data-wu-runcloud-page-message="action-done"]', "Removing orphans is queued")
    ctx.run_queue()
    assert sorted(ctx.emulator.names()) == ["one.example.com", "three.example.com", "two.example.com"], ctx.emulator.names()

    # Test connection with RunCloud refusing the web app: the extension's guidance, in seconds.
    ctx.emulator.fault({"path": "/api/v3/servers/1/webapps/1", "status": 403, "times": 5, "body": '{"message":"This action is unauthorized."}'})
    browser.open(PAGE)
    click_action(browser, "test")
    assert "it failed" in browser.text('[data-wu-runcloud-page-message="action-refused"], [data-wu-runcloud-page-message="action-done"]')
    connection = browser.text('table.wu-runcloud-app tr[data-row="connection"]')
    assert "failed" in connection and "403" in connection and "server" in connection, connection
    assert ctx.token not in browser.driver.page_source
    browser.screenshot("network-admin-runcloud-page-test-connection-403")


@scenario("Retry for one domain and Dismiss on the RunCloud page: a refused add is listed with its error; Dismiss (nonce-checked) hides its notice for everyone, the row keeps it; Retry is queued, then done: the domain is added and covered, the error and its notice are gone; a forged link is refused")
def runcloud_page_retry_and_dismiss(ctx):
    ctx.emulator.fault({"method": "POST", "path": "/api/v3/servers/*/webapps/*/domains", "status": 404, "times": 1, "body": '{"message":"Web application not found."}'})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["broken.example.com"]})
    ctx.run_queue()
    assert ctx.emulator.names() == []

    browser = ctx.browser()
    browser.open(PAGE)
    row = rows(browser)["broken.example.com"]
    assert "could not be added to web app 1:1" in row["error"] and "Web application not found" in row["error"], row
    assert row["actions"] == ["wu-runcloud-retry", "wu-runcloud-dismiss"], row

    browser.follow('#the-list a.wu-runcloud-dismiss[data-domain="broken.example.com"]')
    assert "Dismissed" in browser.text('[data-wu-runcloud-page-message="action-done"]')
    assert [n["id"] for n in browser.notices()] == [], "dismissed for everyone"
    row = rows(browser)["broken.example.com"]
    assert "(dismissed)" in row["error"] and row["actions"] == ["wu-runcloud-retry"], row
    browser.screenshot("network-admin-runcloud-page-failure-dismissed")

    browser.follow('#the-list a.wu-runcloud-retry[data-domain="broken.example.com"]')
    job, status, text = job_row(browser)
    assert status == "queued" and "Retry broken.example.com" in text, text
    browser.screenshot("network-admin-runcloud-page-retry-queued")

    ctx.run_queue()
    browser.open(PAGE)
    job_after, status, text = job_row(browser)
    assert (job_after, status) == (job, "done") and "broken.example.com: covered on 1:1" in text, text
    row = rows(browser)["broken.example.com"]
    assert row["cert"] == ["covered"] and row["error"] == "—" and row["actions"] == [], row
    assert ctx.emulator.names() == ["broken.example.com"] and "broken.example.com" in ctx.emulator.covered()
    assert ctx.plugin()["errors"] == [], "the record went with its cause"
    browser.screenshot("network-admin-runcloud-page-retry-done")

    html = browser.open(PAGE + "&wu_runcloud_action=retry&domain=broken.example.com&_wpnonce=forged")
    assert "The link you followed has expired" in html, "a forged nonce is refused"
    assert len(ctx.plugin()["admin_jobs"]) == 1, "nothing queued"
    browser.open(DASHBOARD)


@scenario("the RunCloud page with 3,000 mapped domains: counted and paged on the server (50 a page), page 2 and a search answer without any RunCloud request")
def runcloud_page_thousands_of_domains(ctx):
    ctx.wp.cli("seed-plugin-state", {"count": 3000, "prefix": "bulk"})
    browser = ctx.browser()
    timings = []
    for path in (PAGE, PAGE + "&paged=2", PAGE + "&s=bulk-02999"):
        started = time.monotonic()
        browser.open(path)
        timings.append(time.monotonic() - started)
        if path == PAGE:
            assert "3,000 items" in browser.text(".tablenav.top .displaying-num"), browser.text(".tablenav.top .displaying-num")
            assert len(rows(browser)) == 50
            assert list(rows(browser))[0] == "bulk-00000.example.com"
        elif "paged=2" in path:
            assert list(rows(browser))[0] == "bulk-00050.example.com", list(rows(browser))[:3]
        else:
            assert list(rows(browser)) == ["bulk-02999.example.com"], list(rows(browser))
    print("    page loads: " + ", ".join(f"{t:.2f} s" for t in timings))
    assert ctx.emulator.requests() == [], "the page reads the plugin's state, never RunCloud"
