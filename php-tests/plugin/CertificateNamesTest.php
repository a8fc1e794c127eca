<?php
/**
 * RunCloud_Certificate_Names: the names a whole-app certificate holds, and which record a
 * refused issuance blames (pure functions: no WordPress, no emulator).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Certificate_Names as Names;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CertificateNamesTest extends Plugin_Test_Case {

	protected function setUp(): void {

		$this->load_plugin_classes();
	}

	private const RECORDS = [
		'a.example'         => ['www' => true, 'wildcard' => false],
		'shop.a.example'    => ['www' => false, 'wildcard' => false],
		'example.org.uk'    => ['www' => true, 'wildcard' => false],
		'network.test'      => ['www' => false, 'wildcard' => true],
		'*.other.test'      => ['www' => false, 'wildcard' => false],
		'www.legacy.test'   => ['www' => false, 'wildcard' => false],
		'legacy.test'       => ['www' => true, 'wildcard' => false],
	];

	public function test_www_counts_as_a_name_of_its_own_and_duplicates_count_once(): void {

		$this->assertSame(
			[
				'a.example'        => 'a.example',
				'www.a.example'    => 'a.example',
				'shop.a.example'   => 'shop.a.example',
				'example.org.uk'   => 'example.org.uk',
				'www.example.org.uk' => 'example.org.uk',
				'network.test'     => 'network.test',
				'*.network.test'   => 'network.test',
				'*.other.test'     => '*.other.test',
				'www.legacy.test'  => 'www.legacy.test',
				'legacy.test'      => 'legacy.test',
			],
			Names::names(self::RECORDS)
		);
		$this->assertSame(10, Names::count(self::RECORDS));
		$this->assertSame(0, Names::count([]));
	}

	/**
	 * @dataProvider refusals
	 */
	public function test_the_blamed_record(string $message, ?string $record): void {

		$this->assertSame($record, Names::blamed($message, self::RECORDS));
	}

	public function refusals(): array {

		$dns = 'Failed to issue the SSL certificate: Let\'s Encrypt could not validate %1$s. DNS problem: %1$s does not point to this server.';

		return [
			'the name itself'                      => [sprintf($dns, 'shop.a.example'), 'shop.a.example'],
			'www.<name> blames <name>'              => [sprintf($dns, 'www.a.example'), 'a.example'],
			'a parent is not read into a child'     => [sprintf($dns, 'a.example'), 'a.example'],
			'a child is not read as its parent'     => ['could not validate "shop.a.example"', 'shop.a.example'],
			'a wildcard name blames its record'     => [sprintf($dns, '*.network.test'), 'network.test'],
			'upper case, end of sentence'           => ['Unauthorized response for WWW.EXAMPLE.ORG.UK.', 'example.org.uk'],
			'a www record of its own'               => [sprintf($dns, 'www.legacy.test'), 'www.legacy.test'],
			'an unknown name'                       => [sprintf($dns, 'elsewhere.example'), null],
			'a longer unknown name around a known'  => [sprintf($dns, 'x.shop.a.example'), null],
			'no name'                               => ['The given data was invalid.', null],
			'a list of the order without a reason'  => ['Failed to issue SSL certificate for a.example, www.a.example, shop.a.example, example.org.uk. Please try again later.', null],
			'a name alone without a reason'         => ['Failed to issue SSL certificate for shop.a.example. Please try again later.', null],
			'the name the reason speaks of'         => ['Failed to issue SSL certificate for a.example, www.a.example, shop.a.example, example.org.uk: DNS problem: NXDOMAIN looking up A for shop.a.example', 'shop.a.example'],
			'ACME detail after the order'           => ['Order for a.example, shop.a.example failed. Domain: example.org.uk Type: unauthorized Detail: Invalid response from http://example.org.uk/.well-known/acme-challenge/x: 404', 'example.org.uk'],
			'a timeout after the name'              => ['Fetching http://shop.a.example/.well-known/acme-challenge/x: Timeout during connect (likely firewall problem)', 'shop.a.example'],
			'no valid A records'                    => ['Failed for a.example, example.org.uk: no valid A records found for example.org.uk', 'example.org.uk'],
			'a CAA record'                          => ['CAA record for www.a.example prevents issuance', 'a.example'],
			'a reason far from every name'          => ['Failed for shop.a.example. ' . str_repeat('Please contact support. ', 8) . 'Validation failed.', null],
		];
	}

	public function test_rate_limits_and_too_many_names_are_told_apart(): void {

		$same_set = 'Let\'s Encrypt rate limit: too many certificates (5) already issued for this exact set of names in the last 7 days, retry after 2025-01-08 10:00:00 UTC: a.example, www.a.example';

		$this->assertTrue(Names::says_rate_limited($same_set));
		$this->assertFalse(Names::says_too_many_names($same_set));
		$this->assertTrue(Names::says_too_many_names('Let\'s Encrypt allows at most 100 names per certificate and this one would hold 101'));
		$this->assertTrue(Names::says_too_many_names('Error creating new order :: Order cannot contain more than 100 DNS names'));
		$this->assertFalse(Names::says_rate_limited('could not validate a.example. DNS problem: NXDOMAIN'));
		$this->assertFalse(Names::says_too_many_names('could not validate a.example'));
	}
}
