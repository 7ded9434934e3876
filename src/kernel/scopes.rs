//! API key scopes: the reference's list (`general.md` §2.2) plus our `invoices.write`.

use std::fmt;

macro_rules! scopes {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// One permission an API key may hold.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope { $($variant),+ }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Scope::$variant => $name),+ }
            }

            pub fn parse(text: &str) -> Option<Scope> {
                match text { $($name => Some(Scope::$variant),)+ _ => None }
            }
        }
    };
}

scopes! {
    AgreementsRead => "agreements.read",
    AgreementsWrite => "agreements.write",
    AppointmentsRead => "appointments.read",
    AppointmentsWrite => "appointments.write",
    BusinessOperationsRead => "businessoperations.read",
    CustomersRead => "customers.read",
    CustomersWrite => "customers.write",
    FilesRead => "files.read",
    FilesWrite => "files.write",
    FileRequestRead => "filerequest.read",
    FileRequestWrite => "filerequest.write",
    FileShareRead => "fileshare.read",
    FileShareWrite => "fileshare.write",
    OffersRead => "offers.read",
    OffersWrite => "offers.write",
    InvoicesRead => "invoices.read",
    InvoicesWrite => "invoices.write",
    PaymentLinksRead => "paymentlinks.read",
    PaymentLinksWrite => "paymentlinks.write",
    SubscriptionRead => "subscription.read",
    SubscriptionWrite => "subscription.write",
    TicketsRead => "tickets.read",
    TicketsWrite => "tickets.write",
    WebhooksRead => "webhooks.read",
    WebhooksWrite => "webhooks.write",
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a space- or comma-separated scope list as stored in the database.
pub fn parse_list(text: &str) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        let scope = Scope::parse(part).ok_or_else(|| format!("unknown scope `{part}`"))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes.sort();
    Ok(scopes)
}

/// The storage form: names joined by single spaces.
pub fn join(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_round_trips_through_its_name() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(*scope));
        }
        assert_eq!(parse_list(&join(Scope::ALL)).unwrap(), Scope::ALL.to_vec());
    }

    #[test]
    fn unknown_scopes_are_refused() {
        assert!(parse_list("customers.read customer.write").is_err());
    }
}
