/**
 * The WebAssembly JavaScript API as simd-kernel.ts uses it. TypeScript declares it only in its DOM
 * library, which a Node project does not load, and @types/node leaves it out; these are the members
 * Node implements, as the WebAssembly JS API specification defines them.
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  type ExportValue = ((...args: number[]) => number | undefined) | Memory;
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, Memory>>);
    readonly exports: Record<string, ExportValue>;
  }
}
