import pkg from "../package.json" with { type: "json" };

export const PTERI_VERSION: string = pkg.version;
