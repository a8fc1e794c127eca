"""The RunCloud emulator (target/release/runcloud-emulator) on a port of the OS's choosing, and its
control plane (state, faults, reset)."""

import json
import urllib.request


class Emulator:
    """One emulator process."""

    def __init__(self, procs, binary):
        self.procs = procs
        self.binary = binary
        self.process = None
        self.api_url = None
        self.root = None

    def start(self, flags):
        self.process = self.procs.start("emulator", [self.binary, "--listen", "127.0.0.1:0", *flags])
        match = self.process.wait_for_line(r"^READY (\S+)$", timeout=30)
        self.api_url = match.group(1)
        self.root = self.api_url[: -len("/api")]

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.root + "/__emulator" + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def reset(self):
        """Initial state, no faults, empty request log."""
        self.control("POST", "/reset", {})

    def fault(self, rule):
        self.control("POST", "/faults", rule)

    def set_dns(self, name, points_here):
        """Whether `name` resolves to the app's server for certificate validation (the emulator's
        DNS control plane; every name points here unless set otherwise)."""
        self.control("POST", "/dns", {"name": name, "points_here": points_here})

    def covered(self, server_id=1, app_id=1):
        """The names the app's Let's Encrypt certificate covers."""
        return set(((self.app(server_id, app_id).get("ssl") or {}).get("basic") or {}).get("covered_domains") or [])

    def requests(self):
        return self.control("GET", "/requests")["requests"]

    def app(self, server_id=1, app_id=1):
        for app in self.control("GET", "/state")["apps"]:
            if app["server_id"] == server_id and app["app_id"] == app_id:
                return app
        raise AssertionError(f"the emulator has no app {server_id}:{app_id}")

    def domains(self, server_id=1, app_id=1):
        """The app's domain records, in creation order."""
        return self.app(server_id, app_id)["domains"]

    def names(self, server_id=1, app_id=1):
        """The app's domain names, sorted (duplicates kept, to be seen)."""
        return sorted(d["name"] for d in self.domains(server_id, app_id))
