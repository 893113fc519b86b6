//! What a command prints, line by line: tests (and the benches) run `switchboard serve` in a
//! thread with a [`Lines`] as its output and read each printed line from a channel as it comes.

use std::sync::mpsc;

/// A writer that sends each complete line it is given (without its line break) on a channel.
pub struct Lines {
    lines: mpsc::Sender<String>,
    partial: String,
}

impl Lines {
    /// A writer and the channel its lines arrive on.
    pub fn channel() -> (Lines, mpsc::Receiver<String>) {
        let (lines, printed) = mpsc::channel();
        let writer = Lines {
            lines,
            partial: String::new(),
        };
        (writer, printed)
    }
}

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.partial.push_str(&String::from_utf8_lossy(buf));
        while let Some(i) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=i).collect();
            // A reader that has stopped listening is not the writer's concern.
            let _ignored = self.lines.send(line.trim_end().to_owned());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn each_line_arrives_once_it_is_complete() {
        let (mut out, printed) = Lines::channel();
        write!(out, "token file: x\nstate: ").expect("writes");
        assert_eq!(printed.try_recv().expect("a line"), "token file: x");
        assert!(printed.try_recv().is_err(), "half a line is kept");
        writeln!(out, "local\r").expect("writes");
        assert_eq!(printed.try_recv().expect("a line"), "state: local");
    }
}
