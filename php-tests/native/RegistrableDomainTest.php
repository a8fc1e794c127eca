<?php
/**
 * wu_runcloud_registrable_domain(): eTLD+1 per the Public Suffix List, normalised like
 * add_domain, null for a public suffix itself, ValidationException for invalid input. It takes
 * no options and sends nothing (no emulator is involved).
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ValidationException;

final class RegistrableDomainTest extends Native_Test_Case {

	public function examples(): array {
		return [
			'a main domain under a multi-part suffix' => ['example.org.uk', 'example.org.uk'],
			'a subdomain under it'                     => ['shop.example.org.uk', 'example.org.uk'],
			'co.uk'                                    => ['shop.example.co.uk', 'example.co.uk'],
			'deep under .com'                          => ['foo.bar.example.com', 'example.com'],
			'case and trailing dot'                    => ['WWW.Example.COM.', 'example.com'],
			'com.br'                                   => ['loja.example.com.br', 'example.com.br'],
			'a public suffix itself'                   => ['co.uk', null],
			'a top-level domain alone'                 => ['com', null],
			'a wildcard over a TLD'                    => ['*.com', null],
			'a private suffix itself'                  => ['github.io', null],
			'under a private suffix'                   => ['blog.user.github.io', 'user.github.io'],
			'IDN under a TLD not on the list'          => ['Bücher.example', 'xn--bcher-kva.example'],
			'IDN suffix'                               => ['www.食狮.中国', 'xn--85x722f.xn--fiqs8s'],
			'punycode input'                           => ['shop.xn--bcher-kva.example', 'xn--bcher-kva.example'],
			'wildcard stands for the names below'      => ['*.shop.example.co.uk', 'example.co.uk'],
		];
	}

	/** @dataProvider examples */
	public function test_registrable_domain(string $name, ?string $expected): void {
		$this->assertSame($expected, wu_runcloud_registrable_domain($name));
	}

	public function invalid(): array {
		return [
			'empty'       => [''],
			'one bad label' => ['c_m'],
			'scheme'      => ['https://example.com'],
			'path'        => ['example.com/shop'],
			'port'        => ['example.com:8080'],
			'space'       => ['exa mple.com'],
			'IP address'  => ['192.168.1.10'],
			'bad UTF-8'   => ["\xff.example"],
			'empty label' => ['example..com'],
		];
	}

	/** @dataProvider invalid */
	public function test_invalid_input_is_a_validation_exception(string $name): void {
		$e = $this->expectThrown(ValidationException::class, function () use ($name) {
			wu_runcloud_registrable_domain($name);
		});
		$this->assertStringContainsString('Invalid domain', $e->getMessage());
		$this->assertSame(__FILE__, $e->getFile());
	}

	public function test_signature(): void {
		$function = new \ReflectionFunction('wu_runcloud_registrable_domain');
		$this->assertSame(1, $function->getNumberOfParameters());
		$this->assertSame('string', (string) $function->getParameters()[0]->getType());
		$this->assertSame('?string', (string) $function->getReturnType());
	}
}
