//! The feature modules an account's license enables (DECISIONS.md, "Features per
//! account"). Declared here so every area can name its module; storing them per account and
//! answering 426 for a disabled one is the work of the issue that gates areas.

use std::fmt;

/// One module of the license.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    Offers,
    Subscriptions,
    Agreements,
    Appointments,
    Files,
    Tickets,
    Punchcards,
    Portal,
    Oauth,
}

impl Module {
    pub const ALL: &'static [Module] = &[
        Module::Offers,
        Module::Subscriptions,
        Module::Agreements,
        Module::Appointments,
        Module::Files,
        Module::Tickets,
        Module::Punchcards,
        Module::Portal,
        Module::Oauth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Offers => "offers",
            Module::Subscriptions => "subscriptions",
            Module::Agreements => "agreements",
            Module::Appointments => "appointments",
            Module::Files => "files",
            Module::Tickets => "tickets",
            Module::Punchcards => "punchcards",
            Module::Portal => "portal",
            Module::Oauth => "oauth",
        }
    }

    pub fn parse(text: &str) -> Option<Module> {
        Module::ALL.iter().copied().find(|m| m.as_str() == text)
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nine_modules_round_trip_through_their_names() {
        assert_eq!(Module::ALL.len(), 9);
        for m in Module::ALL {
            assert_eq!(Module::parse(m.as_str()), Some(*m));
        }
        assert_eq!(Module::parse("invoices"), None);
    }
}
