//! The bare Tauri 2 "hello" window the startup benchmark measures Switchboard against.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("hello: {e}");
        std::process::exit(1);
    }
}
