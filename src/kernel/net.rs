//! Which network addresses outgoing calls (webhooks) may reach, and URLs fit for logs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether deliveries may go to `ip`: refuses loopback, private, link-local, unspecified,
/// multicast, shared (CGNAT) and reserved ranges (IANA special-purpose registries), also
/// when an IPv4 address hides inside an IPv6 one. Keeps a key from aiming deliveries at the
/// server itself or its internal network.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_ipv4(v4),
        IpAddr::V6(v6) => is_public_ipv6(v6),
    }
}

fn is_public_ipv4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(a == 0 // "this network", 0.0.0.0/8 (RFC 791), unspecified included
        || ip.is_loopback() // 127.0.0.0/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16 (RFC 1918)
        || ip.is_link_local() // 169.254/16
        || (a == 100 && (64..128).contains(&b)) // shared address space 100.64/10 (RFC 6598)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15 (RFC 2544)
        || ip.is_multicast() // 224/4
        || a >= 240) // reserved 240/4, broadcast included
}

fn is_public_ipv6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // IPv4 inside IPv6: mapped ::ffff:0:0/96, the deprecated compatible ::/96 (which also
    // holds :: and ::1), and NAT64 64:ff9b::/96 all reach the embedded IPv4 address.
    let embedded = ip.to_ipv4_mapped().or_else(|| {
        let [a, b, c, d, e, f, ..] = segments;
        let compatible = [a, b, c, d, e, f] == [0; 6];
        let nat64 = [a, b, c, d, e, f] == [0x64, 0xff9b, 0, 0, 0, 0];
        (compatible || nat64).then(|| {
            let [.., g, h] = segments;
            Ipv4Addr::from((u32::from(g) << 16) | u32::from(h))
        })
    });
    if let Some(v4) = embedded {
        return ip != Ipv6Addr::UNSPECIFIED && ip != Ipv6Addr::LOCALHOST && is_public_ipv4(v4);
    }
    // 6to4 2002::/16 carries an IPv4 address in its next 32 bits.
    if segments[0] == 0x2002 {
        let v4 = Ipv4Addr::from((u32::from(segments[1]) << 16) | u32::from(segments[2]));
        return is_public_ipv4(v4);
    }
    !(ip.is_multicast() // ff00::/8
        || (segments[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0) // deprecated site-local fec0::/10
}

/// Hides the password of `scheme://user:password@host/...`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_ipv4_ranges_are_not_public() {
        for internal in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public_ip(ip(internal)), "{internal}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "93.184.215.14",
        ] {
            assert!(is_public_ip(ip(public)), "{public}");
        }
    }

    #[test]
    fn internal_ipv6_ranges_and_embedded_internal_ipv4_are_not_public() {
        for internal in [
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:100.64.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::10.0.0.1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
        ] {
            assert!(!is_public_ip(ip(internal)), "{internal}");
        }
        for public in [
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
        ] {
            assert!(is_public_ip(ip(public)), "{public}");
        }
    }

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db/portaal"),
            "postgres://app:***@db/portaal"
        );
        assert_eq!(
            redact_url("sqlite:data/portaal.db"),
            "sqlite:data/portaal.db"
        );
    }
}
