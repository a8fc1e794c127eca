"""Deleting the plugin runs its uninstall.php: its options (every network), its user meta and
queued jobs go, what is not its own stays."""

from harness.runner import scenario

PLUGIN = "wu-runcloud/wu-runcloud.php"
PLUGINS = "/wp-admin/network/plugins.php"


def seed(ctx):
    ctx.wp.cli("seed-uninstall")
    state = ctx.state()
    for network in ("1", "2"):
        assert {"wu_runcloud_domain_ids", "wu_runcloud_errors", "wu_runcloud_future_state", "wu_runcloudXkeep"} <= set(state["options"][network]), state["options"]
    assert {"wu_runcloud_domains_per_page", "wu_runcloudXkeep"} <= set(state["user_meta"]), state["user_meta"]
    return state


def assert_uninstalled(ctx):
    state = ctx.state()
    left = {network: sorted(options) for network, options in state["options"].items()}
    assert left == {"1": ["wu_runcloudXkeep"], "2": ["wu_runcloudXkeep"]}, f"options left (site transients included): {left}"
    assert state["user_meta"] == ["wu_runcloudXkeep"], f"user meta left (the screen option must go): {state['user_meta']}"
    statuses = {}
    for action in state["actions"]:
        statuses.setdefault(action["hook"], set()).add(action["status"])
    assert statuses["wu_runcloud_retry"] == {"canceled"}, statuses
    assert statuses["wu_runcloud_future_hook"] == {"canceled"}, statuses
    assert statuses["wu_add_domain"] == {"pending"}, "other hooks' actions stay"
    assert statuses["wu_runcloudXkeep"] == {"pending"}, "the prefix is wu_runcloud_, not wu_runcloud%"
    assert "wu_runcloud_cron_check" not in state["cron"], state["cron"]
    assert "wu_e2e_unrelated_cron" in state["cron"], state["cron"]
    return state


@scenario("uninstall from the browser: Network Deactivate, Delete, confirm (WordPress deletes through AJAX); uninstall.php removes every wu_runcloud_ option on both networks, cancels wu_runcloud_ actions (through Action Scheduler), unschedules wu_runcloud_ cron events, and leaves the rest")
def uninstall_from_network_admin(ctx):
    seed(ctx)
    browser = ctx.browser()
    browser.open(PLUGINS)
    browser.click(f'tr[data-plugin="{PLUGIN}"] .deactivate a')
    # WordPress asks for confirmation, then deletes through admin-ajax.php (delete_plugins(),
    # which runs uninstall.php) and replaces the row with its message.
    browser.click_and_confirm(f'tr[data-plugin="{PLUGIN}"] .delete a')
    browser.wait_for_text("tr.plugin-deleted-tr", "was successfully deleted")
    browser.screenshot("network-admin-plugin-deleted-uninstall-ran")

    assert not ctx.wp.plugin_installed(), "WordPress deleted the plugin's files"
    assert_uninstalled(ctx)


@scenario("uninstall while Ultimate Multisite (hence Action Scheduler) is inactive: the actions are cancelled in Action Scheduler's table directly, the rest as above")
def uninstall_without_action_scheduler(ctx):
    seed(ctx)
    ctx.wp.cli("plugin", {"action": "deactivate", "plugin": PLUGIN})
    ctx.wp.cli("plugin", {"action": "deactivate", "plugin": "ultimate-multisite/ultimate-multisite.php"})
    ctx.wp.cli("uninstall-plugin")
    ctx.wp.cli("plugin", {"action": "activate", "plugin": "ultimate-multisite/ultimate-multisite.php"})
    assert_uninstalled(ctx)
