// Signs and verifies webhook deliveries with the vendors' own code, for
// vendors_test.go: Retell's TypeScript SDK (retell-sdk: Retell.sign and
// Retell.verify, the functions Retell's docs tell a receiver to call) and
// the Standard Webhooks reference library (standardwebhooks: Webhook.sign
// and Webhook.verify). Reads one JSON request from stdin and writes one
// JSON answer to stdout:
//
//   {"op": "retell-sign",   "key": K, "body": B}                → {"signature": S}
//   {"op": "retell-verify", "key": K, "body": B, "signature": S} → {"valid": bool}
//   {"op": "stdwebhooks-sign",   "secret": W, "id": I, "timestamp": unix s, "body": B} → {"signature": S}
//   {"op": "stdwebhooks-verify", "secret": W, "body": B, "headers": {…}}                → {"valid": bool, "error": E}
//   {"op": "bland-sign",   "secret": K, "body": B}                  → {"body": B', "signature": S}
//   {"op": "bland-verify", "secret": K, "body": B, "signature": S}  → {"valid": bool}
//
// Bland publishes no library, only the Node.js sample of its webhook
// signing page (docs.bland.ai/tutorials/webhook-signing), which
// blandVerify is, unchanged but for names: hex HMAC-SHA256 keyed with the
// signing secret over JSON.stringify(req.body), compared with ===. So a
// receiver that copied it re-serialises the parsed body: callspec must sign
// bytes that survive JSON.parse and JSON.stringify unchanged. bland-sign
// signs as that sample expects Bland to: the body as JSON.stringify
// writes it.
//
// Bodies are strings: both libraries sign the raw text, so the Go side
// passes exactly the bytes it sends or received.
'use strict';
const { Retell } = require('retell-sdk');
const { Webhook } = require('standardwebhooks');
const crypto = require('node:crypto');

// blandVerify is verifyWebhookSignature of Bland's docs, with the body
// parsed as Express's json() middleware would (req.body).
function blandVerify(key, rawBody, signature) {
  const data = JSON.stringify(JSON.parse(rawBody));
  const expectedSignature = crypto.createHmac('sha256', key).update(data).digest('hex');
  return expectedSignature === signature;
}

const ops = {
  'retell-sign': async (r) => ({ signature: await Retell.sign(r.body, r.key) }),
  'retell-verify': async (r) => ({ valid: await Retell.verify(r.body, r.key, r.signature) }),
  'stdwebhooks-sign': async (r) => ({
    signature: new Webhook(r.secret).sign(r.id, new Date(r.timestamp * 1000), r.body),
  }),
  'bland-sign': async (r) => {
    const body = JSON.stringify(JSON.parse(r.body));
    return { body, signature: crypto.createHmac('sha256', r.secret).update(body).digest('hex') };
  },
  'bland-verify': async (r) => ({ valid: blandVerify(r.secret, r.body, r.signature) }),
  'stdwebhooks-verify': async (r) => {
    try {
      new Webhook(r.secret).verify(r.body, r.headers);
      return { valid: true };
    } catch (err) {
      return { valid: false, error: err.message };
    }
  },
};

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const op = ops[req.op];
  if (!op) throw new Error(`unknown op ${JSON.stringify(req.op)}; one of ${Object.keys(ops).join(', ')}`);
  process.stdout.write(JSON.stringify(await op(req)));
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
