//! `--tls`: a CA generated at start, and a server certificate it signs for the loopback names.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

/// The server side of `--tls`.
pub struct TlsSetup {
    pub server_config: Arc<ServerConfig>,
    /// The generated CA certificate, PEM: what clients must trust.
    pub ca_pem: String,
}

/// Generates a fresh CA and a leaf certificate for `127.0.0.1`, `::1` and `localhost`.
pub fn generate() -> io::Result<TlsSetup> {
    let ca_key = KeyPair::generate().map_err(to_io)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(to_io)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name = distinguished_name("runcloud-emulator test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_certificate = ca_params.self_signed(&ca_key).map_err(to_io)?;
    let ca_pem = ca_certificate.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(to_io)?;
    let mut leaf_params = CertificateParams::new(Vec::<String>::new()).map_err(to_io)?;
    leaf_params.distinguished_name = distinguished_name("localhost");
    leaf_params.subject_alt_names = vec![
        SanType::DnsName("localhost".try_into().map_err(to_io)?),
        SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
        SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
    ];
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    let leaf_certificate = leaf_params.signed_by(&leaf_key, &issuer).map_err(to_io)?;

    let certificate_chain: Vec<CertificateDer<'static>> =
        vec![leaf_certificate.der().clone(), ca_certificate.der().clone()];
    let private_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(to_io)?
        .with_no_client_auth()
        .with_single_cert(certificate_chain, private_key)
        .map_err(to_io)?;
    Ok(TlsSetup {
        server_config: Arc::new(server_config),
        ca_pem,
    })
}

fn distinguished_name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name.push(DnType::OrganizationName, "runcloud-emulator");
    name
}

fn to_io(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS setup failed: {error}"))
}
