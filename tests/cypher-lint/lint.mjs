// Offline lint of Cypher files with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, version pinned in package.json).
//
// stdin:  {"schema": {...}, "files": [{"name", "text", "params": [names] | null}]}
// stdout: [{"file", "line", "column", "severity", "message", "source"}]
//         line and column are 1-based; severity is error|warning|information|hint;
//         source is "neo4j" (the package) or "tagjack" (the graph-model check below).
//
// schema: labels, relationshipTypes, propertyKeys, graphSchema ([{from, relType, to}]),
// defaultLanguage ("CYPHER 5"), and either functions/procedures (DbSchema registries,
// e.g. a snapshot of SHOW FUNCTIONS / SHOW PROCEDURES) or
// registries: {bundled: true, excludePrefixes: ["apoc."]} to use the package's own
// registry of built-in, GDS and APOC functions and procedures.
//
// params: the parameters the file may use (any other $param is an error); null means
// "whatever the file uses" (found by Neo4j's parser, so comments and strings don't count).
//
// The package only warns about unknown labels, types and properties in *read* patterns
// (MATCH, WITH, RETURN). tagjack's loads and write-backs are writes, so modelWarnings()
// adds the same check for MERGE / CREATE / SET / REMOVE and schema commands, from the
// package's tokens and symbol tables (public API only). It also replaces the package's
// property warnings: those take `row.source_id` in `MATCH (a:Account {id: row.source_id})`
// for a property of `a`, which would flag every `UNWIND $rows AS row` load.
import { lintCypherQuery, highlightSyntax, parseParameters, testData } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function bundledRegistry(kind, excludePrefixes) {
  const out = {};
  for (const [version, registry] of Object.entries(testData.mockSchema[kind] ?? {})) {
    out[version] = Object.fromEntries(
      Object.entries(registry).filter(([name]) => !excludePrefixes.some((p) => name.startsWith(p))),
    );
  }
  return out;
}

function baseSchema(schema) {
  const { registries, ...db } = schema;
  if (registries?.bundled) {
    const exclude = registries.excludePrefixes ?? [];
    db.functions ??= bundledRegistry('functions', exclude);
    db.procedures ??= bundledRegistry('procedures', exclude);
  }
  return db;
}

// 0-based line/character of every offset, for diagnostics we build ourselves.
function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const unquote = (name) => name.replace(/^`|`$/g, '').replace(/``/g, '`');
const isOpen = (t) => t.tokenType === 'bracket' && '([{'.includes(t.token);
const isClose = (t) => t.tokenType === 'bracket' && ')]}'.includes(t.token);
const isOp = (t, ops) => t?.tokenType === 'operator' && ops.includes(t.token);
const isNodeOrRel = (types) =>
  types.length > 0 && types.every((ty) => ty === 'Node' || ty === 'Relationship');

function modelWarnings(tokens, schema, symbolTables) {
  const names = new Set([...(schema.labels ?? []), ...(schema.relationshipTypes ?? [])]);
  const keys = new Set(schema.propertyKeys ?? []);
  const checkNames = schema.labels !== undefined || schema.relationshipTypes !== undefined;
  const checkKeys = schema.propertyKeys !== undefined;
  const entityAt = new Map(); // reference offset -> is the variable a node or relationship
  for (const table of symbolTables) {
    for (const s of table) for (const ref of s.references) entityAt.set(ref, isNodeOrRel(s.types));
  }
  const found = [];
  const warn = (t, what, name) =>
    found.push({ offset: t.position.startOffset, length: t.length, message: `${what} ${name} is not in tagjack's graph model (add it to tests/cypher_lint.py if it belongs there)` });

  // Variables written `(v:Label` or `[v:TYPE` in this statement: pattern variables of
  // schema commands, which get no symbol table.
  let patternVars = new Set();
  const stack = []; // open brackets: {token, index}
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.tokenType === 'punctuation' && t.token === ';') {
      patternVars = new Set();
      stack.length = 0;
      continue;
    }
    if (isOpen(t)) { stack.push({ token: t.token, index: i }); continue; }
    if (isClose(t)) { stack.pop(); continue; }
    if (t.tokenType === 'variable' && isOp(next, [':']) && prev && isOpen(prev) && prev.token !== '{') {
      patternVars.add(t.token);
    }
    // Labels and relationship types, in any clause (schema commands tokenise a
    // relationship type as a plain symbolic name after ':').
    if (checkNames && (t.tokenType === 'label' || (t.tokenType === 'symbolicName' && isOp(prev, [':', '&', '|'])))) {
      const name = unquote(t.token);
      if (!names.has(name)) warn(t, 'Label or relationship type', name);
      continue;
    }
    if (!checkKeys || t.tokenType !== 'property') continue;
    const key = unquote(t.token);
    if (keys.has(key)) continue;
    // v.key where v is a node or relationship
    if (isOp(prev, ['.'])) {
      const v = tokens[i - 2];
      if (v?.tokenType === 'variable') {
        const known = entityAt.get(v.position.startOffset);
        if (known === true || (known === undefined && patternVars.has(v.token))) warn(t, 'Property', key);
      }
      continue;
    }
    // {key: ...} as a pattern's property map, or assigned with SET v = / SET v +=
    if (isOp(next, [':']) && stack.length > 0 && stack.at(-1).token === '{' && isPropertyMap(tokens, stack, entityAt)) {
      warn(t, 'Property', key);
    }
  }
  return found;
}

function isPropertyMap(tokens, stack, entityAt) {
  const brace = stack.at(-1).index;
  const before = tokens[brace - 1];
  if (isOp(before, ['=', '+='])) {
    const v = tokens[brace - 2];
    return v?.tokenType === 'variable' && entityAt.get(v.position.startOffset) === true;
  }
  if (stack.length < 2) return false;
  const outer = stack.at(-2);
  if (outer.token === '{') return false;
  // only a variable, labels / types and label operators between the bracket and the map
  for (let j = outer.index + 1; j < brace; j++) {
    const t = tokens[j];
    const ok = t.tokenType === 'variable' || t.tokenType === 'label' || t.tokenType === 'symbolicName' ||
      isOp(t, [':', '&', '|', '!', '%']);
    if (!ok) return false;
  }
  const opener = tokens[outer.index - 1];
  if (outer.token === '(') {
    return !(opener && (opener.tokenType === 'function' || opener.tokenType === 'procedure'));
  }
  return opener?.tokenType === 'separator' && (opener.token === '-' || opener.token === '<');
}

function lintFile(file, db) {
  const params = file.params ?? parseParameters(file.text, false);
  const schema = { ...db, parameters: Object.fromEntries(params.map((p) => [p, '<declared>'])) };
  const { diagnostics, symbolTables } = lintCypherQuery(file.text, schema, { consoleCommandsEnabled: false });
  const tokens = highlightSyntax(file.text).filter((t) => t.tokenType !== 'comment');
  const propertyAt = new Map(tokens.filter((t) => t.tokenType === 'property').map((t) => [t.position.startOffset, unquote(t.token)]));
  const isPropertyWarning = (d) =>
    d.severity === 2 && propertyAt.has(d.offsets?.start) &&
    d.message.startsWith(`${propertyAt.get(d.offsets.start)} is not present in the database`);
  const out = diagnostics.filter((d) => !isPropertyWarning(d)).map((d) => ({
    file: file.name,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    severity: SEVERITY[d.severity] ?? String(d.severity),
    message: d.message,
    source: 'neo4j',
    offset: d.offsets?.start,
  }));
  const seen = new Set(out.map((d) => d.offset));
  for (const w of modelWarnings(tokens, db, symbolTables)) {
    if (seen.has(w.offset)) continue;
    const pos = positionAt(file.text, w.offset);
    out.push({ file: file.name, line: pos.line + 1, column: pos.character + 1, severity: 'warning', message: w.message, source: 'tagjack', offset: w.offset });
  }
  return out
    .sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0))
    .map(({ offset, ...d }) => d);
}

const request = JSON.parse(await readStdin());
const db = baseSchema(request.schema ?? {});
const result = [];
for (const file of request.files) {
  try {
    result.push(...lintFile(file, db));
  } catch (err) {
    result.push({ file: file.name, line: 1, column: 1, severity: 'error', message: `lint.mjs crashed: ${err?.stack ?? err}`, source: 'lint.mjs' });
  }
}
process.stdout.write(JSON.stringify(result));
