// Headers added to a handler's response on its way out. A response made here has mutable
// headers; one whose headers are immutable (a fetch's) is copied first.
export function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  let out = response;
  try {
    for (const name in headers) out.headers.set(name, headers[name]!);
  } catch {
    out = new Response(response.body, response);
    for (const name in headers) out.headers.set(name, headers[name]!);
  }
  return out;
}
