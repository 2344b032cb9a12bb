//! JSON-RPC messages framed with `Content-Length` headers, read and written by hand.
//!
//! lsp-server's own stdio transport ends the connection at the first frame
//! that is not a message (its reader thread returns the error), so a client
//! that sends one garbage frame loses its server. Here a frame is read into a
//! `serde_json::Value` and its parts taken out by hand; one that is not a
//! message is answered with a parse error (id `null`) and reading goes on.

use lsp_server::{Message, Notification, Request, RequestId, Response, ResponseError};
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
    /// A frame that is not a JSON-RPC message, with what is wrong with it.
    Garbage(String),
}

/// Reads the next frame; `None` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue;
        }
        match header.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => match value.trim().parse() {
                Ok(n) => length = Some(n),
                Err(_) => bad_header = Some(format!("a Content-Length that is not a number: {header:?}")),
            },
            Some(_) => {}
            None => bad_header = Some(format!("a header line without `:`: {:?}", truncate(header))),
        }
    }
    if let Some(problem) = bad_header {
        return Ok(Some(Incoming::Garbage(problem)));
    }
    let length: usize = length.unwrap_or(0);
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Incoming::Garbage(format!("a message of {length} bytes, more than {MAX_BODY}"))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

/// A body as a message: a request (`id` and `method`), a notification
/// (`method` alone) or a response (`id` and `result` or `error`).
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Incoming::Garbage(format!("not JSON: {e}")),
    };
    let Value::Object(mut object) = value else { return Incoming::Garbage("not a JSON object".into()) };
    let id = object.remove("id").map(request_id);
    let params = object.remove("params").unwrap_or(Value::Null);
    let message = match (object.remove("method"), id) {
        (Some(Value::String(method)), Some(Some(id))) => Message::Request(Request { id, method, params }),
        (Some(Value::String(method)), None) => Message::Notification(Notification { method, params }),
        (None, Some(Some(id))) => {
            let response_result = match object.remove("error") {
                Some(error) => Err(serde_json::from_value::<ResponseError>(error).unwrap_or_else(|e| ResponseError {
                    code: lsp_server::ErrorCode::InvalidRequest as i32,
                    message: format!("an error response that does not read: {e}"),
                    data: None,
                })),
                None => Ok(object.remove("result").unwrap_or(Value::Null)),
            };
            Message::Response(Response { id, response_result })
        }
        (_, Some(None)) => return Incoming::Garbage("an id that is neither a string nor an integer".into()),
        (Some(_), _) => return Incoming::Garbage("a method that is not a string".into()),
        (None, _) => return Incoming::Garbage("neither a request, a notification nor a response".into()),
    };
    Incoming::Message(message)
}

/// A request id: a string, or an integer (one past `i32` is kept as its text).
fn request_id(value: Value) -> Option<RequestId> {
    match value {
        Value::String(s) => Some(RequestId::from(s)),
        Value::Number(n) => {
            let id = n.as_i64()?;
            Some(i32::try_from(id).map_or_else(|_| RequestId::from(id.to_string()), RequestId::from))
        }
        _ => None,
    }
}

/// Writes a message in its frame.
pub fn write(output: &mut impl Write, message: &Message) -> io::Result<()> {
    let mut value = serde_json::to_value(message).map_err(io::Error::other)?;
    if let Value::Object(object) = &mut value {
        object.insert("jsonrpc".into(), Value::String("2.0".into()));
    }
    write_value(output, &value)
}

/// The error response to a frame that was not a message (its id unknown, so `null`).
pub fn write_parse_error(output: &mut impl Write, problem: &str) -> io::Result<()> {
    let value = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": lsp_server::ErrorCode::ParseError as i32, "message": problem },
    });
    write_value(output, &value)
}

fn write_value(output: &mut impl Write, value: &Value) -> io::Result<()> {
    let body = serde_json::to_string(value).map_err(io::Error::other)?;
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<String> {
        let mut input = io::Cursor::new(text.as_bytes().to_vec());
        let mut out = Vec::new();
        while let Some(incoming) = read(&mut input).unwrap() {
            out.push(match incoming {
                Incoming::Message(Message::Request(r)) => format!("request {:?} {}", r.id, r.method),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(r)) => format!("response {:?}", r.id),
                Incoming::Garbage(why) => format!("garbage: {why}"),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
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
    fn garbage_is_reported_and_reading_goes_on() {
        let text =
            [frame("{not json"), frame("[1,2]"), "Bogus header\r\n\r\n".into(), frame(r#"{"method":"exit"}"#)].concat();
        let read = frames(&text);
        assert_eq!(read.len(), 4, "{read:?}");
        assert!(read[..3].iter().all(|f| f.starts_with("garbage")), "{read:?}");
        assert_eq!(read[3], "notification exit");
    }
}
