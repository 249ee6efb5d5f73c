import autocannon from 'autocannon';
const stream = process.argv[2] === 'stream';
const body = JSON.stringify({model:'auto',messages:[{role:'system',content:'You are a concise assistant for a logistics company. Answer in one short sentence.'},{role:'user',content:'Which of our two warehouses should ship 40 pallets to Rotterdam next Tuesday?'}],max_tokens:16,temperature:0.2,stream});
const r = await autocannon({url:'http://127.0.0.1:19302/v1/chat/completions',method:'POST',headers:{'content-type':'application/json'},body,connections:16,duration:8});
console.log(r.requests.average, r.latency.p99, r.non2xx, r.errors);
