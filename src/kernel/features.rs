//! The feature modules an account's license enables (DECISIONS.md, "Features per
//! account"): every module is on for a new account; an operator turns one off with
//! `portaal accounts update --disable-module M`. An area names its module, and a request to
//! it for an account with the module off is answered 426 (API) or with the 426 page.

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

/// A set of modules. Accounts store the ones turned **off** (`disabled_modules`, names
/// separated by spaces), so a module added by a later release is on for existing accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ModuleSet(u16);

impl ModuleSet {
    pub const EMPTY: ModuleSet = ModuleSet(0);

    fn bit(module: Module) -> u16 {
        1 << (module as u16)
    }

    pub fn contains(self, module: Module) -> bool {
        self.0 & Self::bit(module) != 0
    }

    pub fn with(self, module: Module) -> ModuleSet {
        ModuleSet(self.0 | Self::bit(module))
    }

    pub fn without(self, module: Module) -> ModuleSet {
        ModuleSet(self.0 & !Self::bit(module))
    }

    pub fn iter(self) -> impl Iterator<Item = Module> {
        Module::ALL
            .iter()
            .copied()
            .filter(move |m| self.contains(*m))
    }

    /// From the stored form. A name this build does not know is ignored: a module that
    /// was removed cannot stay switched off.
    pub fn parse_stored(text: &str) -> ModuleSet {
        text.split(' ')
            .filter_map(Module::parse)
            .fold(ModuleSet::EMPTY, ModuleSet::with)
    }

    /// The stored form: names in [`Module::ALL`] order, separated by spaces.
    pub fn to_stored(self) -> String {
        self.iter()
            .map(Module::as_str)
            .collect::<Vec<_>>()
            .join(" ")
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

    #[test]
    fn a_module_set_round_trips_through_its_stored_form() {
        let set = ModuleSet::EMPTY.with(Module::Tickets).with(Module::Offers);
        assert!(set.contains(Module::Offers) && set.contains(Module::Tickets));
        assert!(!set.contains(Module::Portal));
        assert_eq!(set.to_stored(), "offers tickets");
        assert_eq!(ModuleSet::parse_stored("offers tickets"), set);
        assert_eq!(ModuleSet::parse_stored(""), ModuleSet::EMPTY);
        assert_eq!(ModuleSet::parse_stored("tickets gone offers"), set);
        assert_eq!(set.without(Module::Offers).to_stored(), "tickets");
        for m in Module::ALL {
            assert!(ModuleSet::EMPTY.with(*m).contains(*m));
        }
    }
}
