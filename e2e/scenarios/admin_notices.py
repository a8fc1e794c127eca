"""What the network admin sees: the plugin's notices in a real browser (WordPress's admin CSS
gives each type its colour), with and without the extension, with and without Ultimate
Multisite; written for people (what happened, to which domain, what to do, a link to the RunCloud
page), dismissible, gone once their cause is. Screenshots: target/e2e/network-admin-*.png."""

import re

from harness.browser import NOTICE_COLOURS
from harness.procs import wait_for
from harness.runner import scenario

DASHBOARD = "/wp-admin/network/"
PLUGINS = "/wp-admin/network/plugins.php"
UM_PLUGIN = "ultimate-multisite/ultimate-multisite.php"
PAGE_UNDER_UM = "/wp-admin/network/admin.php?page=wu-runcloud"
PAGE_UNDER_SETTINGS = "/wp-admin/network/settings.php?page=wu-runcloud"


def assert_notice(notices, notice_id, kind, *phrases):
    """The notice `notice_id` is shown once, of WordPress type `kind`, in that type's colour,
    containing every phrase, written for people (no double period, no backtick, no log-line
    exception name, no log file named); returns it."""
    found = [n for n in notices if n["id"] == notice_id]
    assert len(found) == 1, f"expected one {notice_id} notice, got {notices}"
    notice = found[0]
    assert notice["type"] == kind, notice
    assert notice["colour"] == NOTICE_COLOURS[kind], f"{notice_id}: border {notice['colour']}, expected {kind} {NOTICE_COLOURS[kind]}"
    for phrase in phrases:
        assert phrase in notice["text"], f"{notice_id}: {phrase!r} not in {notice['text']!r}"
    assert_for_people(notice["text"])
    return notice


def assert_for_people(text):
    assert ".." not in text.replace("…", ""), f"a double period: {text!r}"
    assert "`" not in text, f"a backtick: {text!r}"
    assert "Exception" not in text, f"a log line's exception name: {text!r}"
    assert not re.search(r"\b(POST|PUT|DELETE|GET) /", text), f"a request line: {text!r}"
    assert "integration-runcloud" not in text, f"a log file: {text!r}"


@scenario("configured network: the network admin shows no RunCloud notice; both plugins are network-active; UM's Domains page lists a synced mapping; the RunCloud page is under Ultimate Multisite's menu")
def network_admin_configured(ctx):
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["shop.example.com"]})
    ctx.run_queue()
    browser = ctx.browser()

    browser.open(DASHBOARD)
    assert browser.notices() == [], browser.notices()
    menu = browser.driver.find_element("css selector", "#toplevel_page_wp-ultimo a[href$='page=wu-runcloud']")
    assert menu.get_attribute("textContent").strip() == "RunCloud", menu.get_attribute("textContent")
    browser.screenshot("network-admin-dashboard-configured-no-notice")

    browser.open(PLUGINS)
    for plugin in (UM_PLUGIN, "wu-runcloud/wu-runcloud.php"):
        row = browser.driver.find_element("css selector", f'tr[data-plugin="{plugin}"]')
        assert "active" in row.get_attribute("class").split(), f"{plugin} is not network-active"
    browser.screenshot("network-admin-plugins-both-network-active")

    browser.open("/wp-admin/network/admin.php?page=wp-ultimo")
    assert "shop.example.com" in browser.text("#wu-e2e-domains"), browser.text("#wu-e2e-domains")
    browser.screenshot("network-admin-ultimate-multisite-domains-one-mapped")


@scenario("a permanent failure (RunCloud answers 404 to the add) is not retried and shows as a red notice for people: the domain, what to do, RunCloud's answer as a details line, a link to the RunCloud page; its X dismisses it for every administrator")
def permanent_failure_notice(ctx):
    ctx.emulator.fault(
        {"method": "POST", "path": "/api/v3/servers/*/webapps/*/domains", "status": 404, "body": '{"message":"Web application not found."}'}
    )
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["broken.example.com"]})
    ctx.run_queue()

    state = ctx.state()
    assert not [a for a in state["actions"] if a["hook"] == "wu_runcloud_retry"], "a 404 is not retried"
    errors = state["plugin"]["errors"]
    assert [(e["kind"], e["domain"], e["target"], e["status"], e["cause"]) for e in errors] == [("permanent", "broken.example.com", "1:1", 404, "runcloud")], errors

    browser = ctx.browser()
    browser.open(DASHBOARD)
    notice = assert_notice(
        browser.notices(),
        "domain-failed",
        "error",
        "RunCloud: broken.example.com could not be added to web app 1:1.",
        "Check the server and web app ids",
        "press Retry on the RunCloud page",
        "RunCloud answered: (HTTP 404) Web application not found.",
    )
    link = browser.driver.find_element("css selector", '[data-wu-runcloud-notice="domain-failed"] a[href*="page=wu-runcloud"]')
    assert "s=broken.example.com" in link.get_attribute("href"), link.get_attribute("href")
    assert notice["text"].index("could not be added") < notice["text"].index("RunCloud answered"), "the technical detail comes last"
    browser.screenshot("network-admin-notice-domain-failed-404")

    # Dismissed with WordPress's X: remembered (through admin-ajax), for every administrator.
    browser.click('[data-wu-runcloud-notice="domain-failed"] .notice-dismiss')
    wait_for("the dismissal to be stored", lambda: ctx.plugin()["errors"][0]["dismissed"], 20)
    browser.open(DASHBOARD)
    assert browser.notices() == [], browser.notices()
    assert ctx.plugin()["errors"][0]["domain"] == "broken.example.com", "the record stays for the RunCloud page"
    browser.screenshot("network-admin-notice-dismissed")


@scenario("an invalid configuration (app_id 'abc' through the wu_runcloud_options filter) shows a red notice naming the option, without sending anything; fixed, it is gone")
def invalid_configuration_notice(ctx):
    ctx.wp.cli("set-network-option", {"name": "wu_e2e_runcloud_options", "value": {"app_id": "abc"}})
    browser = ctx.browser()
    browser.open(DASHBOARD)
    assert_notice(browser.notices(), "config-invalid", "error", "RunCloud domains are not synced: the configuration is invalid.", "app_id", "Open the RunCloud page")
    browser.screenshot("network-admin-notice-configuration-invalid")
    assert ctx.emulator.requests() == [], "an invalid configuration sends nothing"

    ctx.wp.cli("set-network-option", {"name": "wu_e2e_runcloud_options", "value": None})
    browser.open(DASHBOARD)
    assert browser.notices() == [], "the notice goes with its cause"


@scenario("WordPress served without the extension: no fatal error; red notices say the extension is not loaded and which mapping was not sent; the RunCloud page says so too; once the extension is back the change is sent by itself and both notices are gone")
def without_extension(ctx):
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["lost.example.com"]})
    ctx.run_queue(extension=False)

    browser = ctx.browser(extension=False)
    browser.open(DASHBOARD)
    notices = browser.notices()
    assert_notice(notices, "extension-missing", "error", "the wu_runcloud PHP extension is not loaded", "make install", "restart PHP-FPM")
    assert_notice(notices, "domain-failed", "error", "lost.example.com was not sent to RunCloud", "extension is not loaded", "It is sent by itself once that is fixed.")
    browser.screenshot("network-admin-notice-extension-not-loaded")
    assert ctx.emulator.requests() == [], "nothing can reach RunCloud without the extension"

    browser.open(PAGE_UNDER_UM)
    requirement = browser.driver.find_element("css selector", '#wu-runcloud-requirements tr[data-requirement="extension"]')
    assert requirement.get_attribute("data-ok") == "no" and "Not loaded" in requirement.text, requirement.text
    assert browser.driver.find_element("css selector", "#wu-runcloud-sync").get_attribute("disabled"), "Sync now needs the extension"
    rows = browser.driver.find_elements("css selector", "#the-list strong[data-domain]")
    assert [r.text for r in rows] == ["lost.example.com"], "the page lists the domain from its failure record"
    browser.screenshot("network-admin-runcloud-page-without-extension")

    # The extension is back: the next network admin page queues the change again; the queue sends it.
    browser = ctx.browser()
    browser.open(DASHBOARD)
    ctx.run_queue()
    assert ctx.emulator.names() == ["lost.example.com"], ctx.emulator.names()
    browser.open(DASHBOARD)
    assert browser.notices() == [], f"gone with their cause: {browser.notices()}"


@scenario("Ultimate Multisite network-deactivated in the browser: the admin still works, no PHP error; a red notice says domains are not synced and what to do; the RunCloud page moves under Settings and says so; its Retry runs through WP-Cron (no Action Scheduler), queued then done; a new site reaches nothing")
def without_ultimate_multisite(ctx):
    # A mapping RunCloud refused while Ultimate Multisite was there: its row stays on the page.
    ctx.emulator.fault({"method": "POST", "path": "/api/v3/servers/*/webapps/*/domains", "status": 404, "times": 1, "body": '{"message":"Web application not found."}'})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["kept.example.com"]})
    ctx.run_queue()

    browser = ctx.browser()
    browser.open(PLUGINS)
    browser.click(f'tr[data-plugin="{UM_PLUGIN}"] .deactivate a')
    assert "deactivate=true" in browser.driver.current_url or "Plugin deactivated" in browser.driver.page_source, browser.driver.current_url

    browser.open(DASHBOARD)
    assert [n["id"] for n in browser.notices()] == ["um-inactive", "domain-failed"], browser.notices()
    assert_notice(browser.notices(), "um-inactive", "error", "Ultimate Multisite is installed but not active", "Network-activate Ultimate Multisite", "Open the RunCloud page")
    browser.screenshot("network-admin-notice-without-ultimate-multisite")

    browser.open(PAGE_UNDER_SETTINGS)
    assert browser.driver.find_element("css selector", "#menu-settings a[href$='page=wu-runcloud']"), "under Settings"
    requirement = browser.driver.find_element("css selector", '#wu-runcloud-requirements tr[data-requirement="um"]')
    assert requirement.get_attribute("data-ok") == "no" and "Installed, not active" in requirement.text, requirement.text
    assert browser.driver.find_element("css selector", "#wu-runcloud-sync").get_attribute("disabled"), "Sync now needs Ultimate Multisite's mappings"
    assert not browser.driver.find_element("css selector", "#wu-runcloud-test").get_attribute("disabled"), "Test connection does not"
    assert ctx.plugin()["engine"] == "wp-cron", "without Action Scheduler the plugin's jobs go to WP-Cron"
    assert [n["id"] for n in browser.notices()] == ["um-inactive", "domain-failed"], browser.notices()
    browser.screenshot("network-admin-runcloud-page-without-ultimate-multisite")

    # Retry works without Action Scheduler: queued as a WP-Cron event, done when WP-Cron runs.
    browser.follow('#the-list a.wu-runcloud-retry[data-domain="kept.example.com"]')
    assert "Queued" in browser.text("#wu-runcloud-jobs tbody tr"), browser.text("#wu-runcloud-jobs tbody tr")
    assert "wu_runcloud_admin_job" in ctx.state()["cron"], "a WP-Cron event"
    ran = ctx.run_cron(advance=120)["ran"]
    assert ran[:1] == ["wu_runcloud_admin_job"], ran
    browser.open(PAGE_UNDER_SETTINGS)
    assert "Done" in browser.text("#wu-runcloud-jobs tbody tr") and "kept.example.com: covered on 1:1" in browser.text("#wu-runcloud-jobs tbody tr"), browser.text("#wu-runcloud-jobs tbody tr")
    assert ctx.emulator.names() == ["kept.example.com"] and "kept.example.com" in ctx.emulator.covered()

    before = len(ctx.emulator.requests())
    ctx.wp.cli("create-site", {"slug": "orphan"})
    ctx.run_cron(advance=120)
    assert len(ctx.emulator.requests()) == before, "without Ultimate Multisite no event fires"
