//! End-to-end tests, one binary: the real window (`window`, `chat`), the headless CLI (`cli`) and the
//! fake provider servers (`fakes`).

mod chat;
mod cli;
mod fakes;
mod health;
mod providers;
mod settings;
mod setup;
mod shell;
mod tray;
mod window;
