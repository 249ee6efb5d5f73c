/**
 * Weighted sums of a few rows of an int8 matrix — Σ valueₖ × rowₖ, the core of scoring the intent
 * model (its dense SVM rows, the hidden layer's embedding and output) — with WebAssembly SIMD: four
 * float32 lanes per instruction where V8's JavaScript does one multiply-add at a time. It cut the
 * CLINC150 model's margins and hidden layer from 20.7 to 8.6 µs a text (bench/intent-inference.ts;
 * docs/benchmarks.md, "Intent classifier on CLINC150").
 *
 * The module is one small function, written out below instruction by instruction and encoded here (no
 * compiler, no binary file in the repository). WebAssembly SIMD is in every Node release this project
 * supports.
 *
 * Memory layout (byte offsets; every row is `rowBytes`, a multiple of 16, so vector loads are aligned):
 *   [0, rowBytes)                      the sums being built (float32, columns padded to a multiple of 4)
 *   [rowBytes, …)                      the matrix as float32 rows, then one row of zeros (padding)
 *   [scratch, scratch + 16 × GROUPS)   a call's row byte offsets (int32), four per group
 *   [… + 16 × GROUPS, …)               a call's row values (float32), four per group
 */

/** Groups of four rows one call can take; longer texts are scored in several calls. */
const GROUPS_PER_CALL = 256;
const PAGE_BYTES = 65_536;

export interface RowSumKernel {
  /**
   * Adds Σ values[k] × row rows[k] over the first `count` entries into `output` (one per column). Rows
   * are numbered from 0 and may repeat; any number of rows.
   */
  add(rows: Int32Array, values: Float64Array, count: number, output: Float64Array): void;
}

/** The encoded module, compiled once per process. */
let compiled: WebAssembly.Module | undefined;

/**
 * A `rowCount` × `columnCount` int8 matrix (row-major), copied into the kernel's memory as float32.
 * Scales are the caller's: `add` sums the stored integers.
 */
export function createRowSumKernel(weights: Int8Array, rowCount: number, columnCount: number): RowSumKernel {
  const lanes = Math.ceil(columnCount / 4);
  const rowBytes = lanes * 16;
  const weightsStart = rowBytes;
  const zeroRow = weightsStart + rowCount * rowBytes;
  const offsetsStart = zeroRow + rowBytes;
  const valuesStart = offsetsStart + GROUPS_PER_CALL * 16;
  const end = valuesStart + GROUPS_PER_CALL * 16;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE_BYTES) });
  compiled ??= new WebAssembly.Module(encodeModule());
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  const accumulate = instance.exports.accumulate as (
    offsets: number,
    values: number,
    groups: number,
    sums: number,
    rowBytes: number,
  ) => void;

  const floats = new Float32Array(memory.buffer);
  for (let row = 0; row < rowCount; row++) {
    const base = (weightsStart + row * rowBytes) / 4;
    for (let column = 0; column < columnCount; column++)
      floats[base + column] = weights[row * columnCount + column]!;
  }
  const partial = new Float32Array(memory.buffer, 0, lanes * 4);
  const offsetsView = new Int32Array(memory.buffer, offsetsStart, GROUPS_PER_CALL * 4);
  const valuesView = new Float32Array(memory.buffer, valuesStart, GROUPS_PER_CALL * 4);

  return {
    add(rows, values, count, output) {
      if (count === 0) return;
      partial.fill(0);
      for (let first = 0; first < count; first += GROUPS_PER_CALL * 4) {
        const taken = Math.min(count - first, GROUPS_PER_CALL * 4);
        // The module reads rows by byte offset into its memory.
        for (let index = 0; index < taken; index++) {
          offsetsView[index] = weightsStart + rows[first + index]! * rowBytes;
          valuesView[index] = values[first + index]!;
        }
        // Pad the last group with the zero row.
        const padded = Math.ceil(taken / 4) * 4;
        for (let index = taken; index < padded; index++) {
          offsetsView[index] = zeroRow;
          valuesView[index] = 0;
        }
        accumulate(offsetsStart, valuesStart, padded / 4, 0, rowBytes);
      }
      for (let column = 0; column < columnCount; column++) output[column]! += partial[column]!;
    },
  };
}

// ---- The module, encoded ----

const I32 = 0x7f;
const V128 = 0x7b;

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  emptyBlockType: 0x40,
} as const;

/** SIMD instructions: the 0xfd prefix, then the opcode as unsigned LEB128. */
const simd = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f32x4Splat: 0x13,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 for the small non-negative constants used here. */
function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

// Parameters, then locals, by index.
const OFFSETS = 0;
const VALUES = 1;
const GROUPS = 2;
const SUMS = 3;
const ROW_BYTES = 4;
const ROW = [5, 6, 7, 8]; // i32: the group's four row byte offsets
const POSITION = 9; // i32: byte position within a row
const TARGET = 10; // i32: the sums' address at POSITION
const SPLAT = [11, 12, 13, 14]; // v128: the group's four values in every lane

function get(local: number): number[] {
  return [op.localGet, ...unsignedLeb(local)];
}
function set(local: number): number[] {
  return [op.localSet, ...unsignedLeb(local)];
}
function tee(local: number): number[] {
  return [op.localTee, ...unsignedLeb(local)];
}
function i32(value: number): number[] {
  return [op.i32Const, ...signedLeb(value)];
}
function memarg(alignLog2: number, offset: number): number[] {
  return [...unsignedLeb(alignLog2), ...unsignedLeb(offset)];
}
function vectorOp(code: number, ...immediates: number[]): number[] {
  return [0xfd, ...unsignedLeb(code), ...immediates];
}

/**
 * accumulate(offsets, values, groups, sums, rowBytes): for each group of four rows,
 * sums[lane] += Σ valueₖ × rowₖ[lane] over every 16-byte lane of a row.
 */
function accumulateBody(): number[] {
  const loadGroup = [0, 1, 2, 3].flatMap((k) => [
    ...get(OFFSETS),
    op.i32Load,
    ...memarg(2, k * 4),
    ...set(ROW[k]!),
    ...get(VALUES),
    op.f32Load,
    ...memarg(2, k * 4),
    ...vectorOp(simd.f32x4Splat),
    ...set(SPLAT[k]!),
  ]);
  const addRow = (k: number): number[] => [
    ...get(ROW[k]!),
    ...get(POSITION),
    op.i32Add,
    ...vectorOp(simd.v128Load, ...memarg(4, 0)),
    ...get(SPLAT[k]!),
    ...vectorOp(simd.f32x4Mul),
    ...vectorOp(simd.f32x4Add),
  ];
  const laneLoop = [
    op.loop,
    op.emptyBlockType,
    ...get(SUMS),
    ...get(POSITION),
    op.i32Add,
    ...tee(TARGET),
    ...get(TARGET),
    ...vectorOp(simd.v128Load, ...memarg(4, 0)),
    ...addRow(0),
    ...addRow(1),
    ...addRow(2),
    ...addRow(3),
    ...vectorOp(simd.v128Store, ...memarg(4, 0)),
    ...get(POSITION),
    ...i32(16),
    op.i32Add,
    ...tee(POSITION),
    ...get(ROW_BYTES),
    op.i32LtU,
    op.brIf,
    0,
    op.end,
  ];
  const advance = (local: number, by: number): number[] => [
    ...get(local),
    ...i32(by),
    op.i32Add,
    ...set(local),
  ];
  const code = [
    op.block,
    op.emptyBlockType,
    op.loop,
    op.emptyBlockType,
    ...get(GROUPS),
    op.i32Eqz,
    op.brIf,
    1,
    ...loadGroup,
    ...i32(0),
    ...set(POSITION),
    ...laneLoop,
    ...advance(OFFSETS, 16),
    ...advance(VALUES, 16),
    ...get(GROUPS),
    ...i32(1),
    op.i32Sub,
    ...set(GROUPS),
    op.br,
    0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = vector([
    [...unsignedLeb(6), I32],
    [...unsignedLeb(4), V128],
  ]);
  const body = [...locals, ...code];
  return [...unsignedLeb(body.length), ...body];
}

function encodeModule(): Uint8Array {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const functionType = [0x60, ...vector([[I32], [I32], [I32], [I32], [I32]]), ...vector([])];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x01];
  const bytes = [
    ...header,
    ...section(1, vector([functionType])),
    ...section(2, vector([memoryImport])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('accumulate'), 0x00, 0x00]])),
    ...section(10, vector([accumulateBody()])),
  ];
  return Uint8Array.from(bytes);
}
