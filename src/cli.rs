//! The `portaal` command line: `serve`, `migrate`, `accounts`, `api-keys`, `outbox`,
//! `backup`, `restore`.

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{self, Application};
use crate::areas::account::{self, AccountPatch, admin};
use crate::config::{Config, ServeArgs, StoreArgs};
use crate::db::Db;
use crate::kernel::clock::{Clock, SystemClock};
use crate::kernel::features::Module;
use crate::kernel::ids::AccountId;
use crate::kernel::scopes::Scope;

#[derive(Debug, Parser)]
#[command(
    name = "portaal",
    version,
    about = "A self-hostable server for the MijnKlantportaal API v1"
)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[expect(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum Command {
    /// Run the API server (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-keys")]
    ApiKeys(ApiKeysCommand),
    /// Inspect and retry webhook and e-mail deliveries.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Write a consistent copy of the database to a new file, while the server runs.
    Backup {
        /// The backup file to create; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Replace the database with a backup made by `portaal backup` (stop the server first).
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List deliveries, newest first.
    List {
        /// Only deliveries in this state.
        #[arg(long, value_parser = ["pending", "delivered", "failed"])]
        status: Option<String>,
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Make failed deliveries due again (all, or those of one event).
    Retry {
        #[arg(long)]
        event: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
#[expect(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum AccountsCommand {
    /// Create an account.
    Create {
        #[arg(long)]
        name: String,
        /// Invoices the account may create per calendar month; unlimited when omitted.
        #[arg(long)]
        monthly_invoice_limit: Option<u32>,
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Change an account.
    Update {
        #[arg(long, value_parser = parse_account_id)]
        id: AccountId,
        #[arg(long)]
        name: Option<String>,
        /// A number, or `none` for unlimited.
        #[arg(long, value_parser = parse_limit)]
        monthly_invoice_limit: Option<Limit>,
        /// Days between issue date and due date (default 14).
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=365))]
        payment_term_days: Option<u16>,
        /// Language of e-mails to customers.
        #[arg(long, value_parser = ["nl", "en"])]
        locale: Option<String>,
        /// Turn a feature module on (repeatable): offers, subscriptions, agreements,
        /// appointments, files, tickets, punchcards, portal, oauth.
        #[arg(long = "enable-module", value_name = "MODULE", value_parser = parse_module)]
        enable_modules: Vec<Module>,
        /// Turn a feature module off (repeatable); its operations then answer 426.
        #[arg(long = "disable-module", value_name = "MODULE", value_parser = parse_module)]
        disable_modules: Vec<Module>,
        #[command(flatten)]
        seller: crate::areas::account::cli_args::SellerArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Create an API key; the token is shown only now.
    Create {
        #[arg(long, value_parser = parse_account_id)]
        account: AccountId,
        /// A scope such as `customers.read`; repeat for more. None means every scope.
        #[arg(long = "scope", value_parser = parse_scope)]
        scopes: Vec<Scope>,
        /// Requests per minute for this key, instead of the server's default.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        rate_limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API key; requests with it get 401 from now on.
    Revoke {
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Limit(Option<i64>);

fn parse_limit(text: &str) -> Result<Limit, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Limit(None));
    }
    text.parse::<u32>()
        .map(|n| Limit(Some(i64::from(n))))
        .map_err(|_| "expected a whole number or `none`".to_owned())
}

fn parse_module(text: &str) -> Result<Module, String> {
    Module::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
        format!("unknown module; the modules are {}", names.join(", "))
    })
}

fn parse_account_id(text: &str) -> Result<AccountId, String> {
    AccountId::parse(text).ok_or_else(|| "an account ID looks like acc_abc12345def678".to_owned())
}

fn parse_scope(text: &str) -> Result<Scope, String> {
    Scope::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown scope; choose from: {}", all.join(", "))
    })
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = cli.store.database_url();
    match cli.command {
        Command::Serve(args) => {
            let config = Config::from_args(&cli.store, &args)?;
            tracing::info!(?config, "starting portaal");
            let store = Db::open(&url).await?;
            let first = admin::bootstrap(&store, clock.as_ref()).await?;
            let app = Application::build(&config, store, clock).await?;
            if let Some((account, key)) = first {
                print_first_key(account.id.as_str(), &key.token, app.api_base());
            }
            tracing::info!(address = %app.local_addr(), api = app.api_base(), "portaal is listening");
            println!("portaal is listening; the API is at {}", app.api_base());
            app.run_until_stopped(app::shutdown_signal()).await
        }
        Command::Backup { to } => {
            crate::backup::backup(&url, &to, clock.now()).await?;
            println!("Backup written to {}.", to.display());
            Ok(())
        }
        Command::Restore { from, force } => {
            crate::backup::restore(&url, &from, force).await?;
            println!(
                "Restored {}; `portaal serve` migrates it if it is older than this build.",
                from.display()
            );
            Ok(())
        }
        Command::Migrate => {
            Db::open(&url).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Accounts(command) => {
            let store = Db::open(&url).await?;
            match command {
                AccountsCommand::Create {
                    name,
                    monthly_invoice_limit,
                    json,
                } => {
                    anyhow::ensure!(!name.trim().is_empty(), "--name must not be empty");
                    let account = admin::create_account(
                        &store,
                        clock.as_ref(),
                        name.trim(),
                        monthly_invoice_limit.map(i64::from),
                    )
                    .await?;
                    print_account(&account, json);
                }
                AccountsCommand::Update {
                    id,
                    name,
                    monthly_invoice_limit,
                    payment_term_days,
                    locale,
                    enable_modules,
                    disable_modules,
                    seller,
                    json,
                } => {
                    let seller = seller.patch()?;
                    let patch = AccountPatch {
                        name,
                        monthly_invoice_limit: monthly_invoice_limit.map(|l| l.0),
                        payment_term_days: payment_term_days.map(i64::from),
                        locale,
                    };
                    let mut account = admin::update_account(&store, &id, patch)
                        .await
                        .with_context(|| format!("updating account {id}"))?;
                    if !enable_modules.is_empty() || !disable_modules.is_empty() {
                        account =
                            admin::set_modules(&store, &id, &enable_modules, &disable_modules)
                                .await
                                .with_context(|| format!("changing the modules of account {id}"))?;
                    }
                    if !seller.is_empty() {
                        let details = account::store(&store)
                            .update_seller(&id, &seller)
                            .await
                            .with_context(|| {
                                format!("updating the seller details of account {id}")
                            })?;
                        let missing = details.missing_for_invoices();
                        if !missing.is_empty() && !json {
                            eprintln!(
                                "Invoices of this account still lack: {}",
                                missing.join(", ")
                            );
                        }
                    }
                    print_account(&account, json);
                }
            }
            Ok(())
        }
        Command::Outbox(command) => {
            let store = Db::open(&url).await?;
            outbox_command(&store, clock.as_ref(), command).await
        }
        Command::ApiKeys(command) => {
            let store = Db::open(&url).await?;
            match command {
                ApiKeysCommand::Create {
                    account,
                    scopes,
                    rate_limit,
                    json,
                } => {
                    let key = admin::create_api_key(
                        &store,
                        clock.as_ref(),
                        &account,
                        &scopes,
                        rate_limit,
                    )
                    .await
                    .with_context(|| format!("creating a key for account {account}"))?;
                    if json {
                        println!("{}", serde_json::to_string(&key)?);
                    } else {
                        println!("API key {} (scopes: {})", key.id, key.scopes.join(" "));
                        println!("Token, shown only now: {}", key.token);
                    }
                }
                ApiKeysCommand::Revoke { id } => {
                    admin::revoke_api_key(&store, clock.as_ref(), &id)
                        .await
                        .with_context(|| format!("revoking API key {id}"))?;
                    println!("API key {id} is revoked.");
                }
            }
            Ok(())
        }
    }
}

async fn outbox_command(db: &Db, clock: &dyn Clock, command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::List {
            status,
            limit,
            json,
        } => {
            let rows = crate::outbox::store(db)
                .list_outbox(status.as_deref(), limit)
                .await?;
            if !json {
                println!(
                    "{:<20} {:<24} {:<20} {:<9} {:>3} {:>4}  error",
                    "event", "type", "target", "status", "try", "code"
                );
            }
            for d in rows {
                if json {
                    let line = serde_json::json!({
                        "eventId": d.event_id, "type": d.event_type, "target": d.target, "accountId": d.account_id,
                        "status": d.status, "attempts": d.attempts, "lastStatusCode": d.last_status_code,
                        "lastError": d.last_error, "nextAttemptAt": d.next_attempt_at.map(|t| t.to_string()),
                        "createdAt": d.created_at.to_string(),
                    });
                    println!("{line}");
                } else {
                    println!(
                        "{:<20} {:<24} {:<20} {:<9} {:>3} {:>4}  {}",
                        d.event_id,
                        d.event_type,
                        d.target,
                        d.status,
                        d.attempts,
                        d.last_status_code.map_or("-".to_owned(), |c| c.to_string()),
                        d.last_error.unwrap_or_default()
                    );
                }
            }
        }
        OutboxCommand::Retry { event } => {
            let n = crate::outbox::store(db)
                .retry_failed(event.as_deref(), clock.now())
                .await?;
            println!("{n} failed deliveries are due again.");
        }
    }
    Ok(())
}

fn print_account(account: &account::Account, json: bool) {
    if json {
        let body = serde_json::json!({
            "id": account.id,
            "name": account.name,
            "monthlyInvoiceLimit": account.monthly_invoice_limit,
            "paymentTermDays": account.payment_term_days,
            "locale": account.locale,
            "modules": Module::ALL
                .iter()
                .map(|m| (m.as_str(), account.module_enabled(*m)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        });
        println!("{body}");
    } else {
        let limit = account
            .monthly_invoice_limit
            .map_or("unlimited".to_owned(), |l| l.to_string());
        let off: Vec<&str> = account
            .disabled_modules
            .iter()
            .map(Module::as_str)
            .collect();
        let modules = if off.is_empty() {
            "every module on".to_owned()
        } else {
            format!("modules off: {}", off.join(", "))
        };
        println!(
            "Account {} \"{}\": monthly invoice limit {limit}, payment term {} days, {modules}",
            account.id, account.name, account.payment_term_days
        );
    }
}

fn print_first_key(account_id: &str, token: &str, api_base: &str) {
    println!();
    println!("  First start: created account {account_id} with an API key that has every scope.");
    println!("  Token (shown only now; keep it safe):");
    println!();
    println!("      {token}");
    println!();
    println!("  Try it:  curl -H 'Authorization: Bearer {token}' {api_base}/customers");
    println!(
        "  More keys: portaal api-keys create --account {account_id} [--scope customers.read ...]"
    );
    println!();
}
