// PostGraphile 5 declares node >=22; on Node 20 the only missing built-in it uses is Promise.withResolvers
// (grafast, @dataplan/pg). Without it every list field fails with "Cannot read properties of undefined".
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
