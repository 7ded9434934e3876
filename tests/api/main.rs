//! The HTTP test suite: every test starts a real portaal server on a random port with a
//! fresh database and talks to it over HTTP, as a client would.

// Every file in this folder is a module of the suite: a new test file needs no line here.
automod::dir!("tests/api");
