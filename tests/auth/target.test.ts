import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { rebuildTargetUri } from "@/lib/auth/target";
import { enroll, freshDb, signedRequest, testDeps, type Enrolled, type TestDb } from "./helpers";

describe("rebuildTargetUri", () => {
  it.each([
    ["https://pteri.example.com", "http://localhost:3000/api/v1/whoami?a=1", "https://pteri.example.com/api/v1/whoami?a=1"],
    ["https://pteri.example.com/", "http://10.0.0.5:3000/api/v1/whoami", "https://pteri.example.com/api/v1/whoami"],
    ["https://example.com/pteri", "http://localhost:3000/api/v1/whoami", "https://example.com/pteri/api/v1/whoami"],
    ["http://localhost:3000", "http://evil.example/api/v1/whoami?x", "http://localhost:3000/api/v1/whoami?x"],
  ])("public URL %s + request %s -> %s", (publicUrl, requestUrl, expected) => {
    expect(rebuildTargetUri(new URL(publicUrl), requestUrl)).toBe(expected);
  });

  it("returns null for something that is not a URL", () => {
    expect(rebuildTargetUri(new URL("https://a.example"), "not a url")).toBeNull();
  });
});

describe("behind a reverse proxy (PTERI_PUBLIC_URL=https://pteri.example.com)", () => {
  let t: TestDb;
  let m: Enrolled;
  beforeAll(async () => {
    t = await freshDb("https://pteri.example.com");
    m = await enroll(t.db, "behind-proxy");
  });
  afterAll(() => t.close());

  it("verifies a request signed for the public URL that reaches the server as Host: localhost:3000", async () => {
    const signed = await signedRequest(m.key, {
      url: "https://pteri.example.com/api/v1/whoami?verbose=1",
      serverUrl: "http://localhost:3000/api/v1/whoami?verbose=1",
      headers: { "x-forwarded-host": "attacker.example" },
    });
    const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(auth.ok ? "ok" : auth.code).toBe("ok");
  });

  it("refuses a request signed for another host, whatever Host the server sees", async () => {
    for (const signedFor of ["https://other.example.com/api/v1/whoami", "http://localhost:3000/api/v1/whoami", "http://pteri.example.com/api/v1/whoami"]) {
      const signed = await signedRequest(m.key, { url: signedFor, serverUrl: signedFor });
      const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
      expect(auth.ok ? "ok" : auth.code).toBe("signature_invalid");
    }
  });

  it("refuses a request signed for another path or query", async () => {
    const signed = await signedRequest(m.key, {
      url: "https://pteri.example.com/api/v1/whoami?verbose=1",
      serverUrl: "http://localhost:3000/api/v1/whoami?verbose=2",
    });
    const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(auth.ok ? "ok" : auth.code).toBe("signature_invalid");
  });
});
