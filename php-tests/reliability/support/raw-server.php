<?php
/**
 * A tiny HTTP listener for the reliability suite, run as a child process (never by PHPUnit
 * directly: the file name does not end in Test.php).
 *
 *   php raw-server.php MODE CAPTURE_FILE LIFETIME_SECONDS
 *
 * Listens on 127.0.0.1 with a port the system picks and prints `READY 127.0.0.1:PORT` once
 * listening. MODE:
 * - record: every request (head and body, raw bytes) is appended to CAPTURE_FILE, separated by
 *   a line `----- request -----`, and answered 200 with an empty domain page, so a client that
 *   followed a redirect here would believe it succeeded.
 * - silent: connections are accepted and read, and never answered (a server that hangs).
 * - drip:   the head is sent at once, then the body one byte every 300 ms (a slow loris in
 *   reverse: every read makes progress, the whole answer takes minutes).
 *
 * The process ends by itself after LIFETIME_SECONDS (bounded, loopback only).
 */

[$self, $mode, $capture, $lifetime] = array_pad($argv, 4, null);
$mode     = (string) $mode;
$lifetime = max(1, (int) $lifetime);
$deadline = microtime(true) + $lifetime;

$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if (false === $server) {
	fwrite(STDERR, "listen failed: {$errstr}\n");
	exit(1);
}
stream_set_blocking($server, false);
fwrite(STDOUT, 'READY ' . stream_socket_get_name($server, false) . "\n");
fflush(STDOUT);

$page = '{"data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":40,"current_page":1,"total_pages":1,"links":{}}}}';

/** @var array<int, array{socket: resource, buffer: string, answered: bool, drip: int, next: float}> $clients */
$clients = [];

while (microtime(true) < $deadline) {
	$read = [$server];
	foreach ($clients as $client) {
		$read[] = $client['socket'];
	}
	$write  = null;
	$except = null;
	$ready  = @stream_select($read, $write, $except, 0, 100000);
	if (false === $ready) {
		break;
	}
	foreach ($read as $socket) {
		if ($socket === $server) {
			$accepted = @stream_socket_accept($server, 0);
			if (false !== $accepted) {
				stream_set_blocking($accepted, false);
				$clients[(int) $accepted] = ['socket' => $accepted, 'buffer' => '', 'answered' => false, 'drip' => 0, 'next' => 0.0];
			}
			continue;
		}
		$id    = (int) $socket;
		$chunk = @fread($socket, 65536);
		if (false === $chunk || ('' === $chunk && feof($socket))) {
			fclose($socket);
			unset($clients[$id]);
			continue;
		}
		$clients[$id]['buffer'] .= $chunk;
	}

	foreach ($clients as $id => $client) {
		$buffer = $client['buffer'];
		$end    = strpos($buffer, "\r\n\r\n");
		if (false === $end || $client['answered']) {
			continue;
		}
		$length = preg_match('/^content-length:\s*(\d+)/im', substr($buffer, 0, $end), $m) ? (int) $m[1] : 0;
		if (strlen($buffer) < $end + 4 + $length) {
			continue;
		}
		$request                  = substr($buffer, 0, $end + 4 + $length);
		$clients[$id]['buffer']   = (string) substr($buffer, $end + 4 + $length);
		if ('record' === $mode) {
			file_put_contents((string) $capture, "----- request -----\n" . $request . "\n", FILE_APPEND | LOCK_EX);
			$answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " . strlen($page) . "\r\n\r\n" . $page;
			@fwrite($client['socket'], $answer);
		} elseif ('drip' === $mode) {
			file_put_contents((string) $capture, "----- request -----\n" . $request . "\n", FILE_APPEND | LOCK_EX);
			@fwrite($client['socket'], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
			$clients[$id]['answered'] = true;
			$clients[$id]['next']     = microtime(true) + 0.3;
		} else {
			// silent: read, remember, never answer.
			file_put_contents((string) $capture, "----- request -----\n" . $request . "\n", FILE_APPEND | LOCK_EX);
			$clients[$id]['answered'] = true;
		}
	}

	if ('drip' === $mode) {
		$now = microtime(true);
		foreach ($clients as $id => $client) {
			if ($client['answered'] && $now >= $client['next']) {
				@fwrite($client['socket'], ' ');
				$clients[$id]['next'] = $now + 0.3;
			}
		}
	}
}

foreach ($clients as $client) {
	@fclose($client['socket']);
}
fclose($server);
