// Types of build-gates.mjs, for the test that checks the generated module is fresh.
export declare const sourcePath: string;
export declare const generatedPath: string;
export declare function compileGates(): Promise<{ plain: Uint8Array; shared: Uint8Array }>;
export declare function generatedModule(bytes: { plain: Uint8Array; shared: Uint8Array }): string;
