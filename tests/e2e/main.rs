//! End-to-end tests, one binary: the real window (`window`, `chat`, `a11y`), the headless CLI
//! (`cli`) and the fake provider servers (`fakes`).

mod a11y;
mod autostart;
mod chat;
mod chat_images;
mod chat_tools;
mod chat_versions;
mod cli;
mod clients;
mod fakes;
mod glyphs;
mod health;
mod korean;
mod live;
mod lmstudio_download;
mod privacy;
mod providers;
mod quick_start;
mod serve;
mod settings;
mod setup;
mod setup_hybrid;
mod setup_llamacpp;
mod shell;
mod state;
mod tray;
mod window;
