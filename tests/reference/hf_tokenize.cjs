// Token ids of texts from an exported tokenizer.json, by Hugging Face's tokenizers library itself (the Rust
// implementation, through its Node.js binding from npm: `tokenizers`), for comparison with SentencePiece.
// Usage: node hf_tokenize.cjs DIR/tokenizer.json < texts.json   (a JSON list of strings)
// Prints: a JSON list of id lists. NODE_PATH names the folder that holds node_modules/tokenizers.
const fs = require("node:fs");
const { Tokenizer } = require("tokenizers");

(async () => {
  const tokenizer = Tokenizer.fromFile(process.argv[2]);
  const texts = JSON.parse(fs.readFileSync(0, "utf8"));
  const ids = [];
  for (const text of texts) ids.push((await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds());
  console.log(JSON.stringify(ids));
})().catch((e) => {
  console.error(String(e));
  process.exit(1);
});
