// The project's CEL engine, the one seam krate-policy test has with it: every module here imports
// CelEngine, CelProgram and toCelValue from this file.
export { CelEngine, toCelValue, type CelProgram } from '../cel';
