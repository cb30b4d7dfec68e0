// The stand-in's own OAuth 1.0a checker, held to RFC 5849 so that its verdict on the client means
// something: the RFC's worked example, and a tampered request refused.

import { request } from "node:https";
import { describe, expect, it } from "vitest";
import { useStandIn } from "../use-stand-in.js";
import { hmacSha1, parseAuthorization, percentEncode, signatureBaseString } from "./oauth1.js";
import { XStandIn } from "./stand-in.js";

describe("OAuth 1.0a checker (RFC 5849)", () => {
  it("RFC 5849 §1.2 example: base string and HMAC-SHA1 signature", () => {
    // The RFC's published example values (photos.example.net), not credentials of anything.
    const params: [string, string][] = [
      ["file", "vacation.jpg"],
      ["size", "original"],
      ["oauth_consumer_key", "dpf43f3p2l4k3l03"],
      ["oauth_token", "nnch734d00sl2jdk"],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", "137131202"],
      ["oauth_nonce", "chapoH"],
    ];
    const base = signatureBaseString("GET", "http://photos.example.net/photos", params);

    expect(base).toBe(
      "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal",
    );
    expect(hmacSha1(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00")).toBe("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
  });

  it("RFC 5849 §3.6 percent-encoding keeps only unreserved characters", () => {
    expect(percentEncode("a b+c*~!'()é")).toBe("a%20b%2Bc%2A~%21%27%28%29%C3%A9");
  });

  it("RFC 5849 §3.5.1 reads the Authorization header's parameters", () => {
    const parsed = parseAuthorization('OAuth oauth_consumer_key="abc", oauth_signature="x%2By%3D"');
    expect(parsed?.get("oauth_signature")).toBe("x+y=");
  });
});

describe("the stand-in refuses a bad signature", () => {
  const env = useStandIn(XStandIn);

  it("401 for a request whose signature does not match the fake keys", async () => {
    const url = new URL("/2/users/me", env.standIn.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          ca: env.certificate.ca,
          headers: {
            authorization:
              'OAuth oauth_consumer_key="fake-consumer-key", oauth_nonce="n", oauth_signature="AAAA", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="fake-access-token", oauth_version="1.0"',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });

    expect(status).toBe(401);
    expect(env.standIn.requests[0]?.signatureProblem).toBe("signature mismatch");
  });
});
