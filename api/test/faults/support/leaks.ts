// What no response body may contain, whatever was sent: stack frames, source file paths, runtime
// internals, a serialised `stack`.
export const STACK_TRACE = /\n\s+at |\bat [\w.<>]+ \(|node_modules|(?:\/[\w.@+-]+)+\.(?:ts|m?js)\b|"stack"/;
