<?php
/**
 * Router for `php -S`: files that exist are served as they are (PHP files executed by the server
 * itself, so SCRIPT_NAME and PHP_SELF are right for WordPress); a directory without its trailing
 * slash is redirected like a web server does; everything else goes to WordPress's index.php.
 *
 * Runs at global scope: every variable is prefixed.
 *
 * @package WU_RunCloud_E2E
 */

$wu_e2e_path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
$wu_e2e_file = $_SERVER['DOCUMENT_ROOT'] . $wu_e2e_path;

if (false !== strpos($wu_e2e_path, '..')) {
	http_response_code(400);

	return true;
}

if (is_dir($wu_e2e_file) && '/' !== substr($wu_e2e_path, -1)) {
	$wu_e2e_query = (string) parse_url((string) $_SERVER['REQUEST_URI'], PHP_URL_QUERY);

	header('Location: ' . $wu_e2e_path . '/' . ('' !== $wu_e2e_query ? '?' . $wu_e2e_query : ''), true, 301);

	return true;
}

if (file_exists($wu_e2e_file) && ( ! is_dir($wu_e2e_file) || file_exists($wu_e2e_file . 'index.php'))) {
	return false;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';

require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
