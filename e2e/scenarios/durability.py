"""A PHP worker killed with SIGKILL in the middle of 100 mappings (in the queue, or in the RunCloud
page's Sync now), then the next run of the queue: RunCloud and WordPress must converge to exactly
the expected state, certificates and notices included, with no operator action
(harness/convergence.py says what converged means)."""

import time

from harness.convergence import EVENT_HOOKS, View, assert_converged
from harness.procs import wait_for
from harness.runner import scenario

COUNT = 100
DOMAINS = [f"d{i:03d}.durable.test" for i in range(COUNT)]

# "The next run" is the queue run 10 minutes later: Action Scheduler's cleaner marks the dead
# worker's action failed after 5 minutes (the plugin then queues its work again), and the
# certificate job follows a minute after the adds. The runner's clock moves, nothing waits.
RECOVERY_ADVANCE = 600

# Slows every add a little, so that the worker is surely mid-way when killed.
SLOW_ADDS = {"method": "POST", "path": "/api/v3/servers/*/webapps/*/domains", "delay_ms": 40, "times": 100000}

# The plugin recovers by itself: the dead worker's action is queued again by RunCloud_Recovery
# (on Action Scheduler's `action_scheduler_failed_action`), the idempotent add adopts what RunCloud
# created before the kill, and the SSL lifecycle's certificate job covers every name. No
# `wp runcloud sync` by the operator.
OPERATOR_SYNC_NEEDED = False


def map_durable_domains(ctx):
    """100 mappings on the main site; www off (100 names fit one certificate)."""
    ctx.wp.cli("um-setting", {"key": "auto_create_www_subdomain", "value": "never"})
    ctx.wp.cli("map-domains", {"site_id": 1, "domains": DOMAINS})


def kill_when_some_added(ctx, worker, at_least=30):
    """Waits until RunCloud has `at_least` of the domains, then SIGKILLs the worker; returns how
    many it had (asserted to be mid-way)."""
    wait_for(f"{at_least} domains on the emulator", lambda: len(ctx.emulator.domains()) >= at_least, 120, worker)
    worker.kill9()
    added = len(ctx.emulator.domains())
    assert added < COUNT, f"the worker finished all {COUNT} before the kill: slow the emulator more (SLOW_ADDS)"
    return added


def recover_and_check(ctx, gaps_expected=()):
    """The next run of the queue, then every convergence check."""
    ctx.emulator.control("DELETE", "/faults")
    ctx.run_queue(advance=RECOVERY_ADVANCE)
    if OPERATOR_SYNC_NEEDED:
        code, output = ctx.wp.cli_output("runcloud", {"subcommand": "sync"})
        assert code == 0, f"wp runcloud sync exited {code}:\n{output}"
    view = View(
        state=ctx.state(),
        emulator_domains=ctx.emulator.domains(),
        expected=set(DOMAINS),
        covered=ctx.emulator.covered(),
        horizon=int(time.time()) + RECOVERY_ADVANCE,
        expected_records=frozenset({"names_warning"}),
    )
    warnings = [e for e in view.plugin()["errors"] if e["kind"] == "names_warning"]
    assert [(w["target"], w["count"]) for w in warnings] == [("1:1", COUNT)], f"100 names: one warning, counting them all: {warnings}"
    lost = [f"{a['hook']} {a['args']}" for a in view.queue() if a["status"] == "failed"]
    print(f"    Action Scheduler marked {len(lost)} action(s) of the dead worker failed: {lost}")
    for line in assert_converged(view, gaps_expected):
        print("    " + line)
    return view


@scenario("durability: the queue worker running 100 wu_add_domain actions is killed -9 once RunCloud has 30 of them; the next queue run (Action Scheduler's cleanup, the plugin queueing the dead action's work again, then the rest) converges: every domain once, ids remembered, certificate covering all, no notice")
def queue_worker_killed(ctx):
    map_durable_domains(ctx)
    ctx.emulator.fault(SLOW_ADDS)
    worker = ctx.wp.start_cli("worker-queue", "run-queue")
    added = kill_when_some_added(ctx, worker)
    print(f"    killed the queue worker with {added} of {COUNT} domains on RunCloud")
    view = recover_and_check(ctx)
    dead_events = [a for a in view.queue() if a["status"] == "failed" and a["hook"] in EVENT_HOOKS]
    if dead_events:
        # (The worker may also die in one of UM's own stage actions: not ours to run again.)
        assert [a for a in view.queue() if a["hook"] == "wu_runcloud_retry"], "the dead event's work was queued again as a retry"


@scenario("durability: the RunCloud page's Sync now (100 missing domains) is killed -9 in its queue worker once RunCloud has 30; the next queue run runs it again by itself and converges; the page shows it done")
def sync_killed(ctx):
    # Mapped while the integration was off: UM's events ran and did nothing, RunCloud lacks all 100.
    ctx.wp.cli("set-network-option", {"name": "wu_host_integrations_enabled", "value": {"runcloud": False}})
    map_durable_domains(ctx)
    ctx.run_queue()
    assert ctx.emulator.names() == []
    ctx.wp.cli("set-network-option", {"name": "wu_host_integrations_enabled", "value": {"runcloud": True}})

    browser = ctx.browser()
    browser.open("/wp-admin/network/admin.php?page=wu-runcloud")
    browser.submit("#wu-runcloud-sync")

    ctx.emulator.fault(SLOW_ADDS)
    worker = ctx.wp.start_cli("worker-sync", "run-queue")
    added = kill_when_some_added(ctx, worker)
    print(f"    killed the Sync now worker with {added} of {COUNT} domains on RunCloud")
    view = recover_and_check(ctx)
    jobs = view.plugin()["admin_jobs"]
    assert [(j["kind"], j["status"], j["attempt"]) for j in jobs] == [("sync", "done", 2)], jobs


@scenario("durability, worst case: the queue worker is killed -9 right after RunCloud created the 40th domain, before WordPress stored its id; the next queue run converges: that domain's id is adopted from RunCloud and its certificate follows (the former known gap)")
def queue_worker_killed_between_answer_and_write(ctx):
    map_durable_domains(ctx)
    worker = ctx.wp.start_cli("worker-queue-crash-point", "run-queue", {"sigkill_before_id_stored": {"nth": 40}})
    wait_for("the worker to die at its crash point", lambda: not worker.alive(), 120)
    assert worker.returncode() == -9, f"the worker ended with {worker.returncode()}, not SIGKILL:\n{worker.output()}"
    assert len(ctx.emulator.domains()) == 40, len(ctx.emulator.domains())
    unremembered = sorted(set(d["name"] for d in ctx.emulator.domains()) - {r["name"] for r in ctx.plugin()["domains"] if r["targets"].get("1:1", {}).get("id")})
    assert len(unremembered) == 1, f"exactly the 40th domain is on RunCloud without its id in WordPress: {unremembered}"
    recover_and_check(ctx)
