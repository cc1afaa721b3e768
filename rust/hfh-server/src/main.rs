//! `hfh-server [DATA_DIR] [--host H] [--port N] [--user ...] [--org ...]`
//!
//! Prints the endpoint URL as the first line on stdout, then serves until SIGINT/SIGTERM.

use std::io::Write;

fn main() {
    let config = match hfh_server::config::Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hfh-server: cannot start runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(async move {
        let server = hfh_server::server::bind(config)
            .await
            .map_err(|e| e.to_string())?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", server.endpoint()).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
        }
        server
            .serve(hfh_server::server::shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    });
    if let Err(e) = result {
        eprintln!("hfh-server: {e}");
        std::process::exit(1);
    }
}
