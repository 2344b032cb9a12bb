//! JSON-RPC messages framed with `Content-Length` headers, read and written by hand.
//!
//! lsp-server's own stdio transport ends the connection at the first frame
//! that is not a message (its reader thread returns the error), so a client
//! that sends one garbage frame loses its server. Here a frame is read into a
//! `serde_json::Value` and its parts taken out by hand; one that is not a
//! message is answered with a parse error (id `null`) and reading goes on.

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use serde_json::Value;
use std::io::{self, BufRead, Read, Write};

/// The largest message body read; a longer one is skipped (a document of
/// this size would not be a policy a person edits).
const MAX_BODY: usize = 256 << 20;

/// What one frame held.
#[derive(Debug)]
pub enum Incoming {
    /// A message.
    Message(Message),
    /// A frame that is not a JSON-RPC message.
    Garbage(Garbage),
}

/// A frame that is not a message: JSON-RPC's error for it, and the id of the
/// request it meant to be when that could be read.
#[derive(Debug)]
pub struct Garbage {
    /// `-32700` (parse error: no JSON, or no frame) or `-32600` (invalid
    /// request: JSON, but not a request, notification or response).
    pub code: i32,
    /// The request's id, when the frame had one.
    pub id: Option<RequestId>,
    /// What is wrong with it.
    pub problem: String,
}

impl Garbage {
    fn unreadable(problem: impl Into<String>) -> Incoming {
        Incoming::Garbage(Garbage { code: ErrorCode::ParseError as i32, id: None, problem: problem.into() })
    }

    fn invalid(id: Option<RequestId>, problem: impl Into<String>) -> Incoming {
        Incoming::Garbage(Garbage { code: ErrorCode::InvalidRequest as i32, id, problem: problem.into() })
    }
}

/// The frames of an input, one at a time.
///
/// A frame whose headers give no usable length (a `Content-Length` that is
/// not a number, none at all) has a body whose end cannot be known: the
/// reader skips to the next `Content-Length:` in the input, so the frames
/// after it are read as sent instead of being swallowed as header lines.
/// A frame with a usable length but another broken header is garbage too,
/// its body skipped by its length.
pub struct Frames<R> {
    input: R,
    /// Set when the last skip stopped just past a `Content-Length:`: the
    /// next header line is the rest of that one.
    resumed: bool,
}

/// The header that starts every frame, lower-cased.
const LENGTH_HEADER: &[u8] = b"content-length:";

impl<R: BufRead> Frames<R> {
    /// The frames of `input`.
    pub fn new(input: R) -> Frames<R> {
        Frames { input, resumed: false }
    }

    /// Reads the next frame; `None` at the end of the input.
    pub fn read(&mut self) -> io::Result<Option<Incoming>> {
        let mut length = None;
        let mut bad_header = None;
        let mut bad_length = false;
        // A blank line ends the headers once there were some (before, it is
        // a stray line end between frames).
        let mut headers = false;
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if std::mem::take(&mut self.resumed) {
                raw.extend_from_slice(b"Content-Length:");
            }
            if self.input.read_until(b'\n', &mut raw)? == 0 {
                return Ok(None);
            }
            // Read as bytes: a header line that is not UTF-8 (noise between
            // frames) is a bad header to answer, not an error that ends the session.
            let line = String::from_utf8_lossy(&raw);
            let header = line.trim_end_matches(['\r', '\n']);
            if header.is_empty() {
                if headers {
                    break;
                }
                continue;
            }
            headers = true;
            match header.split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => match value.trim().parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        bad_length = true;
                        bad_header = Some(format!("a Content-Length that is not a number: {header:?}"));
                    }
                },
                Some(_) => {}
                None => bad_header = Some(format!("a header line without `:`: {:?}", truncate(header))),
            }
        }
        let Some(length) = length.filter(|_| !bad_length) else {
            self.resumed = skip_to_length_header(&mut self.input)?;
            let problem = bad_header.unwrap_or_else(|| "a frame without a Content-Length".into());
            return Ok(Some(Garbage::unreadable(problem)));
        };
        if let Some(problem) = bad_header {
            // The length is known: the body is skipped by it, so a body that
            // happens to hold `Content-Length:` is not taken for a frame.
            io::copy(&mut (&mut self.input).take(length as u64), &mut io::sink())?;
            return Ok(Some(Garbage::unreadable(problem)));
        }
        if length > MAX_BODY {
            io::copy(&mut (&mut self.input).take(length as u64), &mut io::sink())?;
            return Ok(Some(Garbage::unreadable(format!("a message of {length} bytes, more than {MAX_BODY}"))));
        }
        let mut body = vec![0; length];
        self.input.read_exact(&mut body)?;
        Ok(Some(parse(&body)))
    }
}

/// Skips the input up to and including the next `Content-Length:` (in any
/// case); false when the input ends first.
fn skip_to_length_header(input: &mut impl BufRead) -> io::Result<bool> {
    let mut matched = 0;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(false);
        }
        let mut used = 0;
        for &byte in buffer {
            used += 1;
            // The header starts with its only `c`: a mismatch restarts the match at 0 or 1.
            matched = match LENGTH_HEADER.get(matched) {
                Some(want) if byte.eq_ignore_ascii_case(want) => matched + 1,
                _ if byte.eq_ignore_ascii_case(&b'c') => 1,
                _ => 0,
            };
            if matched == LENGTH_HEADER.len() {
                input.consume(used);
                return Ok(true);
            }
        }
        input.consume(used);
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

/// `body` with each `\\uXXXX` escape of a surrogate that has no partner
/// written `\\uFFFD` instead (every other byte as it was).
fn without_lone_surrogates(body: &[u8]) -> Vec<u8> {
    let unit = |at: usize| -> Option<u16> {
        let hex = body.get(at..at + 6)?;
        if hex.get(..2)? != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(hex.get(2..)?).ok()?, 16).ok()
    };
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    while let Some(&b) = body.get(at) {
        if b != b'\\' {
            out.push(b);
            at += 1;
            continue;
        }
        let escape = match unit(at) {
            // A pair: both escapes as they are.
            Some(0xD800..=0xDBFF) if unit(at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) => 12,
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\uFFFD");
                at += 6;
                continue;
            }
            Some(_) => 6,
            // Any other escape is two bytes (a backslash, a quote): kept whole, so
            // an escaped backslash is never taken for the start of a `\u`.
            None => 2,
        };
        out.extend_from_slice(body.get(at..at + escape).unwrap_or(body.get(at..).unwrap_or_default()));
        at += escape;
    }
    out
}

/// A body as a message: a request (`id` and `method`), a notification
/// (`method` alone) or a response (`id` and `result` or `error`).
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        // JavaScript strings may hold a lone surrogate, which an editor
        // sends as its escape (`"\ud83d"`) and JSON parsers refuse. Dropping
        // the frame would lose an edit, and every later edit would apply to
        // other text than the editor's; as U+FFFD (one UTF-16 unit, as the
        // surrogate was) the positions still agree.
        Err(e) => match serde_json::from_slice(&without_lone_surrogates(body)) {
            Ok(v) => v,
            Err(_) => return Garbage::unreadable(format!("not JSON: {e}")),
        },
    };
    let Value::Object(mut object) = value else { return Garbage::invalid(None, "not a JSON object") };
    let id = object.remove("id").map(request_id);
    let params = object.remove("params").unwrap_or(Value::Null);
    let message = match (object.remove("method"), id) {
        (Some(Value::String(method)), Some(Some(id))) => Message::Request(Request { id, method, params }),
        (Some(Value::String(method)), None) => Message::Notification(Notification { method, params }),
        // An id alone is no response: a response has a result or an error.
        (None, Some(Some(id))) if !object.contains_key("result") && !object.contains_key("error") => {
            return Garbage::invalid(Some(id), "neither a method, a result nor an error")
        }
        (None, Some(Some(id))) => {
            let response_result = match object.remove("error") {
                Some(error) => Err(serde_json::from_value::<ResponseError>(error).unwrap_or_else(|e| ResponseError {
                    code: ErrorCode::InvalidRequest as i32,
                    message: format!("an error response that does not read: {e}"),
                    data: None,
                })),
                None => Ok(object.remove("result").unwrap_or(Value::Null)),
            };
            Message::Response(Response { id, response_result })
        }
        (_, Some(None)) => return Garbage::invalid(None, "an id that is neither a string nor an integer"),
        (Some(_), id) => return Garbage::invalid(id.flatten(), "a method that is not a string"),
        (None, _) => return Garbage::invalid(None, "neither a request, a notification nor a response"),
    };
    Incoming::Message(message)
}

/// Marks an integer id wider than lsp-server's `i32` carried as text, so
/// that the response gives it back as the number it was (JSON-RPC answers
/// with the request's own id; a client matching `2147483648` would never
/// see `"2147483648"`). A NUL no client puts at the start of a string id.
const WIDE_ID: &str = "\0wide-id:";

/// A request id: a string, or a whole number (one beyond `i32` carried as
/// marked text and written back as the number, see [`WIDE_ID`]).
pub(crate) fn request_id(value: Value) -> Option<RequestId> {
    match value {
        Value::String(s) => Some(RequestId::from(s)),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            let narrow = n.as_i64().and_then(|id| i32::try_from(id).ok());
            Some(narrow.map_or_else(|| RequestId::from(format!("{WIDE_ID}{n}")), RequestId::from))
        }
        _ => None,
    }
}

/// A response's `id` as the request had it: a wide integer id back to its number.
fn restore_wide_id(object: &mut serde_json::Map<String, Value>) {
    let wide = match object.get("id") {
        Some(Value::String(id)) => id.strip_prefix(WIDE_ID).and_then(|n| n.parse::<serde_json::Number>().ok()),
        _ => None,
    };
    if let Some(number) = wide {
        object.insert("id".into(), Value::Number(number));
    }
}

/// Writes a message in its frame.
pub fn write(output: &mut impl Write, message: &Message) -> io::Result<()> {
    let mut value = serde_json::to_value(message).map_err(io::Error::other)?;
    if let Value::Object(object) = &mut value {
        object.insert("jsonrpc".into(), Value::String("2.0".into()));
    }
    write_value(output, value)
}

/// The error response to a frame that was not a message (to its request's
/// id when it had one, else `null`).
pub fn write_garbage_error(output: &mut impl Write, garbage: &Garbage) -> io::Result<()> {
    let id = garbage.id.as_ref().map_or(Value::Null, |id| serde_json::to_value(id).unwrap_or(Value::Null));
    let value = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": garbage.code, "message": garbage.problem },
    });
    write_value(output, value)
}

/// Writes one frame; every message leaves through here, so a wide id is
/// given back as its number here (see [`WIDE_ID`]).
fn write_value(output: &mut impl Write, mut value: Value) -> io::Result<()> {
    if let Value::Object(object) = &mut value {
        restore_wide_id(object);
    }
    let body = serde_json::to_string(&value).map_err(io::Error::other)?;
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<String> {
        let mut input = Frames::new(io::Cursor::new(text.as_bytes().to_vec()));
        let mut out = Vec::new();
        while let Some(incoming) = input.read().unwrap() {
            out.push(match incoming {
                Incoming::Message(Message::Request(r)) => format!("request {:?} {}", r.id, r.method),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(r)) => format!("response {:?}", r.id),
                Incoming::Garbage(g) => format!("garbage {} {:?}: {}", g.code, g.id, g.problem),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_lone_surrogate_is_read_as_a_replacement_character() {
        // A lone high surrogate, a lone low one, a pair, and an escaped backslash before `u`.
        let body = r#"{"jsonrpc":"2.0","method":"n","params":{"text":"a\ud83db\ude00c\ud83d\ude00d\\ud83de"}}"#;
        let Incoming::Message(Message::Notification(n)) = parse(body.as_bytes()) else { panic!("not read: {body}") };
        assert_eq!(n.params["text"], "a\u{FFFD}b\u{FFFD}c😀d\\ud83de");
        assert_eq!(without_lone_surrogates(br#""\ud83d""#), br#""\uFFFD""#);
    }

    #[test]
    fn reads_requests_with_number_and_string_ids() {
        let text = [
            frame(r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#),
            frame(r#"{"jsonrpc":"2.0","id":"a","method":"x","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","id":1,"result":null}"#),
        ]
        .concat();
        assert_eq!(
            frames(&text),
            [
                r#"request RequestId(I32(7)) shutdown"#,
                r#"request RequestId(String("a")) x"#,
                "notification exit",
                "response RequestId(I32(1))"
            ]
        );
    }

    #[test]
    fn an_integer_id_wider_than_i32_is_answered_with_the_same_number() {
        for id in ["2147483648", "-2147483649", "18446744073709551615", "7"] {
            let text = frame(&format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#));
            let mut input = Frames::new(io::Cursor::new(text.into_bytes()));
            let Some(Incoming::Message(Message::Request(request))) = input.read().unwrap() else { panic!("a request") };
            let mut out = Vec::new();
            write(&mut out, &Message::Response(Response::new_ok(request.id, Value::Null))).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(out.ends_with(&format!(r#""id":{id},"jsonrpc":"2.0","result":null}}"#)), "{out}");
        }
    }

    #[test]
    fn a_header_line_that_is_not_utf8_is_garbage_not_the_end() {
        let mut text = b"X-Client: caf\xe9\r\n\r\n".to_vec();
        text.extend_from_slice(b"\xff\xfe noise\r\n");
        text.extend_from_slice(frame(r#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#).as_bytes());
        let mut input = Frames::new(io::Cursor::new(text));
        let mut read = Vec::new();
        while let Some(incoming) = input.read().unwrap() {
            read.push(matches!(incoming, Incoming::Message(Message::Request(_))));
        }
        assert_eq!(read.last(), Some(&true), "{read:?}");
        assert!(read[..read.len() - 1].iter().all(|request| !request), "{read:?}");
    }

    #[test]
    fn garbage_is_reported_and_reading_goes_on() {
        let text =
            [frame("{not json"), frame("[1,2]"), "Bogus header\r\n\r\n".into(), frame(r#"{"method":"exit"}"#)].concat();
        let read = frames(&text);
        assert_eq!(read.len(), 4, "{read:?}");
        assert!(read[..3].iter().all(|f| f.starts_with("garbage")), "{read:?}");
        assert_eq!(read[3], "notification exit");
    }

    #[test]
    fn a_frame_of_unknown_length_is_skipped_to_the_next_frame() {
        let exit = frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let request = frame(r#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#);
        for garbage in [
            "Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}",
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}",
            "Bogus\r\n\r\nbody with content-length inside: 5",
        ] {
            let read = frames(&[garbage, &request, &exit].concat());
            assert_eq!(read.len(), 3, "{garbage:?}: {read:?}");
            assert!(read[0].starts_with("garbage -32700 None"), "{read:?}");
            assert_eq!(&read[1..], ["request RequestId(I32(9)) shutdown", "notification exit"], "{garbage:?}");
        }
        // Garbage at the very end: read, reported, then the end.
        assert_eq!(frames("Content-Length: x\r\n\r\n{}").len(), 1);
    }

    #[test]
    fn a_frame_of_known_length_with_a_broken_header_is_skipped_by_its_length() {
        // Its body names a Content-Length: scanning for the next one would
        // land inside the body and lose the request after it.
        let body = r#"{"jsonrpc":"2.0","method":"x","params":{"text":"Content-Length: 5\r\n\r\n{}"}}"#;
        let broken = format!("Content-Length: {}\r\nBogus\r\n\r\n{body}", body.len());
        let request = frame(r#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#);
        let read = frames(&[broken, request].concat());
        assert_eq!(read.len(), 2, "{read:?}");
        assert!(read[0].starts_with("garbage -32700 None: a header line without `:`"), "{read:?}");
        assert_eq!(read[1], "request RequestId(I32(9)) shutdown");
    }

    #[test]
    fn json_that_is_not_a_message_is_an_invalid_request_answered_by_its_id() {
        let read = frames(&[frame(r#"{"jsonrpc":"2.0","id":6,"method":3}"#), frame("[1,2]"), frame("{x")].concat());
        assert_eq!(read.len(), 3, "{read:?}");
        assert!(read[0].starts_with("garbage -32600 Some(RequestId(I32(6)))"), "{read:?}");
        assert!(read[1].starts_with("garbage -32600 None"), "{read:?}");
        assert!(read[2].starts_with("garbage -32700 None"), "{read:?}");
    }
}
