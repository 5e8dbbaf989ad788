/** The sample the page offers for download: the columns the server expects, with a header row. */
const sampleCsv = `sku,description,quantity,unit_price
NW-1001,Organic green tea 250 g,24,6.50
NW-1002,"Ceramic mug, 350 ml",12,4.25
NW-1003,Bamboo tea whisk,5,18.00
NW-1004,Loose-leaf infuser,30,2.75
NW-1005,Matcha starter kit,8,42.00
`;

export const sampleCsvHref = `data:text/csv;charset=utf-8,${encodeURIComponent(sampleCsv)}`;
