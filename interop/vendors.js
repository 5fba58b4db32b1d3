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
//
// Bodies are strings: both libraries sign the raw text, so the Go side
// passes exactly the bytes it sends or received.
'use strict';
const { Retell } = require('retell-sdk');
const { Webhook } = require('standardwebhooks');

const ops = {
  'retell-sign': async (r) => ({ signature: await Retell.sign(r.body, r.key) }),
  'retell-verify': async (r) => ({ valid: await Retell.verify(r.body, r.key, r.signature) }),
  'stdwebhooks-sign': async (r) => ({
    signature: new Webhook(r.secret).sign(r.id, new Date(r.timestamp * 1000), r.body),
  }),
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
