//! One input read once, handed to two snapshot readers.
//!
//! When the two policies' schemas differ, each raw snapshot is read with each
//! schema. Rather than open the input twice (impossible for standard input, and
//! a second pass over a large file), the bytes are read once in blocks and each
//! block is shared by both readers ([`Rc`], no copy). The diff advances both
//! readers in lock step, one snapshot each, so the blocks one reader has not
//! reached yet are at most about one snapshot plus a read-ahead block: memory
//! stays bounded for the streaming formats (JSON Lines, CSV). A JSON or YAML
//! file is read whole by each reader anyway.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// Bytes read from the input at a time.
const BLOCK: usize = 1 << 16;

/// Which of the two readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    First,
    Second,
}

/// The input and the blocks one reader has read that the other has not taken yet.
struct Source<R> {
    input: R,
    for_first: VecDeque<Rc<[u8]>>,
    for_second: VecDeque<Rc<[u8]>>,
    done: bool,
    /// A read error, repeated to the other reader so both stop alike.
    failure: Option<(io::ErrorKind, String)>,
}

impl<R: Read> Source<R> {
    fn queue(&mut self, side: Side) -> &mut VecDeque<Rc<[u8]>> {
        match side {
            Side::First => &mut self.for_first,
            Side::Second => &mut self.for_second,
        }
    }

    /// The next block for `side`; an empty block at the end of the input.
    fn next_block(&mut self, side: Side) -> io::Result<Rc<[u8]>> {
        if let Some(block) = self.queue(side).pop_front() {
            return Ok(block);
        }
        if let Some((kind, message)) = &self.failure {
            return Err(io::Error::new(*kind, message.clone()));
        }
        if self.done {
            return Ok(Rc::from(Vec::new()));
        }
        let mut buf = vec![0; BLOCK];
        loop {
            match self.input.read(&mut buf) {
                Ok(0) => {
                    self.done = true;
                    return Ok(Rc::from(Vec::new()));
                }
                Ok(n) => {
                    buf.truncate(n);
                    let block: Rc<[u8]> = Rc::from(buf);
                    let other = if side == Side::First { Side::Second } else { Side::First };
                    self.queue(other).push_back(block.clone());
                    return Ok(block);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.failure = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
            }
        }
    }
}

/// One of the two readers of a [`tee`]d input.
pub(crate) struct TeeReader<R> {
    source: Rc<RefCell<Source<R>>>,
    side: Side,
    block: Rc<[u8]>,
    offset: usize,
}

impl<R> std::fmt::Debug for TeeReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeeReader").field("side", &self.side).field("offset", &self.offset).finish()
    }
}

/// Two readers that each see every byte of `input`, which is read only once.
pub(crate) fn tee<R: Read>(input: R) -> (TeeReader<R>, TeeReader<R>) {
    let source = Rc::new(RefCell::new(Source {
        input,
        for_first: VecDeque::new(),
        for_second: VecDeque::new(),
        done: false,
        failure: None,
    }));
    let reader = |side| TeeReader { source: source.clone(), side, block: Rc::from(Vec::new()), offset: 0 };
    (reader(Side::First), reader(Side::Second))
}

impl<R: Read> Read for TeeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for TeeReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.offset >= self.block.len() {
            self.block = self.source.borrow_mut().next_block(self.side)?;
            self.offset = 0;
        }
        Ok(self.block.get(self.offset..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.offset = (self.offset + amount).min(self.block.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_readers_see_every_byte_in_lock_step() {
        let text: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let (mut a, mut b) = tee(text.as_bytes());
        let (mut la, mut lb) = (String::new(), String::new());
        let mut lines = 0;
        loop {
            la.clear();
            lb.clear();
            let (na, nb) = (a.read_line(&mut la).unwrap(), b.read_line(&mut lb).unwrap());
            assert_eq!(la, lb);
            if na == 0 && nb == 0 {
                break;
            }
            lines += 1;
        }
        assert_eq!(lines, 20_000);
        // Lock step keeps at most a block or two waiting for the slower reader.
        assert!(a.source.borrow().for_second.len() <= 1 && a.source.borrow().for_first.len() <= 1);
    }

    #[test]
    fn one_reader_may_read_everything_first() {
        let text = "x".repeat(3 * BLOCK + 17);
        let (mut a, mut b) = tee(text.as_bytes());
        let (mut sa, mut sb) = (String::new(), String::new());
        a.read_to_string(&mut sa).unwrap();
        b.read_to_string(&mut sb).unwrap();
        assert_eq!(sa, text);
        assert_eq!(sb, text);
    }
}
