<?php
/**
 * Makes a command-line PHP look like a request to the network's main site, before wp-load.php.
 *
 * @package WU_RunCloud_E2E
 */

if ( ! getenv('WU_E2E_WP_DIR') || ! getenv('WU_E2E_HOST')) {
	fwrite(STDERR, "WU_E2E_WP_DIR and WU_E2E_HOST must be set (e2e/harness/wordpress.py sets them)\n");
	exit(2);
}

$_SERVER['HTTP_HOST']       = getenv('WU_E2E_HOST');
$_SERVER['SERVER_NAME']     = getenv('WU_E2E_HOST');
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['SERVER_PORT']     = '80';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
