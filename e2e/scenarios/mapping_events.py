"""Ultimate Multisite's events reach RunCloud through its queue, in both integration generations."""

from harness.runner import scenario

EVENT_HOOKS = {"wu_add_domain", "wu_remove_domain", "wu_add_subdomain", "wu_remove_subdomain"}

# The certificate job runs a coalescing window (60 s) after an add; UM's SSL stage checks again
# dns_check_interval (300 s) later. A queue run this far ahead sees both, without waiting.
AFTER_CERTIFICATE_JOB = 120
AFTER_UM_SSL_CHECK = 360


def remembered_ids(plugin, target="1:1"):
    """name => RunCloud id, as the plugin reports it (RunCloud_Ssl_Report::domains())."""
    return {row["name"]: row["targets"][target]["id"] for row in plugin["domains"] if target in row["targets"] and row["targets"][target]["present"]}


def certificate_states(plugin, target="1:1"):
    return {row["name"]: row["targets"][target]["cert"] for row in plugin["domains"] if target in row["targets"]}


def assert_events_done(state):
    """Every event action ran to completion; none of the plugin's jobs is left pending or running."""
    for action in state["actions"]:
        if action["hook"] in EVENT_HOOKS:
            assert action["status"] == "complete", f"event action not complete: {action}"
        if action["hook"].startswith("wu_runcloud_"):
            assert action["status"] in ("complete", "canceled"), f"a plugin job is left: {action}"


@scenario("UM 2.5: a new site and a mapped domain reach RunCloud from the queue (www per setting, ids remembered); one certificate job a minute later covers both and UM's SSL check then passes; unmapping and deleting the site remove them; the core RunCloud handler is never called")
def events_reach_runcloud_25(ctx):
    site = ctx.wp.cli("create-site", {"slug": "shop"})
    ctx.wp.cli("map-domains", {"site_id": site["site_id"], "domains": ["shop.example.com"]})

    queued = {(a["hook"], a["status"]) for a in ctx.state()["actions"]}
    assert ("wu_add_subdomain", "pending") in queued and ("wu_add_domain", "pending") in queued, queued
    assert ctx.emulator.names() == [], "events must wait for the queue, not run in the request"

    ctx.run_queue()

    records = {d["name"]: d for d in ctx.emulator.domains()}
    assert sorted(records) == ["shop.example.com", "shop.network.test"], sorted(records)
    assert records["shop.example.com"]["www"] == 1, "www follows the 'always' default"
    assert records["shop.network.test"]["www"] == 0, "a subdomain gets no www"
    plugin = ctx.plugin()
    assert remembered_ids(plugin) == {name: r["id"] for name, r in records.items()}, remembered_ids(plugin)
    assert certificate_states(plugin) == {"shop.example.com": "pending", "shop.network.test": "pending"}, certificate_states(plugin)
    jobs = [a for a in ctx.state()["actions"] if a["hook"] == "wu_runcloud_certificate" and a["status"] == "pending"]
    assert len(jobs) == 1, f"one certificate job for the app, coalescing both adds: {jobs}"

    ctx.run_queue(advance=AFTER_UM_SSL_CHECK)

    assert {"shop.example.com", "shop.network.test"} <= ctx.emulator.covered(), ctx.emulator.covered()
    assert ctx.emulator.app()["ssl"]["basic"]["redeploy_count"] == 1, "one redeploy for the two adds"
    state = ctx.state()
    assert certificate_states(state["plugin"]) == {"shop.example.com": "covered", "shop.network.test": "covered"}, certificate_states(state["plugin"])
    assert_events_done(state)
    assert state["core_runcloud_calls"] == [], state["core_runcloud_calls"]
    stage = {d["domain"]: d["stage"] for d in state["domains"]}
    assert stage["shop.example.com"] == "done", f"UM's DNS check passed, then its SSL check found the certificate: {stage}"
    assert "add_domain shop.example.com on 1:1: added" in ctx.wp.wu_log(), ctx.wp.wu_log()

    ctx.wp.cli("unmap-domain", {"domain": "shop.example.com"})
    ctx.run_queue()
    assert ctx.emulator.names() == ["shop.network.test"], ctx.emulator.names()
    assert "shop.example.com" not in remembered_ids(ctx.plugin())

    ctx.wp.cli("delete-site", {"site_id": site["site_id"]})
    ctx.run_queue()
    assert ctx.emulator.names() == [], ctx.emulator.names()
    state = ctx.state()
    assert state["plugin"]["domains"] == [], state["plugin"]["domains"]
    assert_events_done(state)
    assert state["core_runcloud_calls"] == [], state["core_runcloud_calls"]


@scenario("UM 2.4 (host provider API): a mapped domain reaches RunCloud with www off per the 'never' setting, its id remembered and its certificate covered by the job a minute later; the core 2.4 RunCloud provider's hooks are taken off")
def events_reach_runcloud_24(ctx):
    ctx.wp.cli("set-network-option", {"name": "wu_e2e_um_generation", "value": "2.4"})
    ctx.wp.cli("um-setting", {"key": "auto_create_www_subdomain", "value": "never"})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["blog.example.org"]})
    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB)

    records = ctx.emulator.domains()
    assert [(d["name"], d["www"]) for d in records] == [("blog.example.org", 0)], records
    state = ctx.state()
    assert remembered_ids(state["plugin"]) == {"blog.example.org": records[0]["id"]}
    assert certificate_states(state["plugin"]) == {"blog.example.org": "covered"}
    assert "blog.example.org" in ctx.emulator.covered()
    assert_events_done(state)
    assert state["core_runcloud_calls"] == [], state["core_runcloud_calls"]


@scenario("a transient failure (503 on every attempt) becomes a wu_runcloud_retry action in the real queue, due in 60 s; run then, it adds the domain, the certificate follows, nothing is left queued; no admin notice")
def transient_failure_retried(ctx):
    ctx.emulator.fault({"method": "POST", "path": "/api/v3/servers/*/webapps/*/domains", "status": 503, "times": 3})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": ["retry.example.com"]})
    ctx.run_queue()

    assert ctx.emulator.names() == [], "every attempt was refused"
    state = ctx.state()
    retries = [a for a in state["actions"] if a["hook"] == "wu_runcloud_retry"]
    assert len(retries) == 1 and retries[0]["status"] == "pending" and retries[0]["group"] == "domain", retries
    job = retries[0]["args"][0]
    assert (job["op"], job["domain"], job["attempt"], job["server_id"], job["app_id"]) == ("add_domain", "retry.example.com", 2, 1, 1), job
    assert 50 <= retries[0]["scheduled"] - state["now"] <= 70, "the first retry waits 60 s"
    assert state["plugin"]["errors"] == [], "a transient failure is not the operator's"

    ctx.run_queue(advance=AFTER_CERTIFICATE_JOB + 60)

    assert ctx.emulator.names() == ["retry.example.com"], ctx.emulator.names()
    state = ctx.state()
    assert [a["status"] for a in state["actions"] if a["hook"] == "wu_runcloud_retry"] == ["complete"]
    assert "retry.example.com" in remembered_ids(state["plugin"])
    assert certificate_states(state["plugin"]) == {"retry.example.com": "covered"}
    assert_events_done(state)
