import { expect } from "chai";
import { ProtocolError } from "../src/scp/framing";
import { decodeCsv, decodeMultivalue, encodeCsv, encodeMultivalue, parseCsvRows } from "../src/scp/csv";

function csvError(text: string): string {
  try {
    decodeCsv(text);
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    return (err as Error).message;
  }
  throw new Error("expected decodeCsv to throw");
}

describe("scp csv: decodeCsv (splunkd's dialect)", () => {
  it("reads splunkd's quoting: quoted header names, twins after the plain fields, always-quoted values", () => {
    const body = '"_time",teststring,"__mv__time","__mv_teststring"\n"1599171244.277","ท t",,\n"1599171244.278",x,,\n';
    expect(decodeCsv(body)).to.deep.equal({
      fields: ["_time", "teststring"],
      rows: [
        ["1599171244.277", "ท t"],
        ["1599171244.278", "x"],
      ],
    });
  });

  it("decodes a multivalue from its __mv_ twin (splunkd's _si example)", () => {
    const body = '"_si",host,"__mv__si","__mv_host"\n"FIREFLY-WIN\nbeatles",h1,"$FIREFLY-WIN$;$beatles$",\n';
    expect(decodeCsv(body)).to.deep.equal({ fields: ["_si", "host"], rows: [[["FIREFLY-WIN", "beatles"], "h1"]] });
  });

  it("lets a non-empty twin override the plain column; a one-value twin gives a plain string", () => {
    const body = "a,b,__mv_a,__mv_b\nplain,plain,$x$;$y$,$only$\n";
    expect(decodeCsv(body).rows).to.deep.equal([[["x", "y"], "only"]]);
  });

  it("keeps the plain column when the twin is not in $v$;$v$ form", () => {
    expect(decodeCsv("a,__mv_a\nkept,not-encoded\nkept2,$open\n").rows).to.deep.equal([["kept"], ["kept2"]]);
  });

  it("treats an __mv_ column without its plain field as a plain field", () => {
    expect(decodeCsv("__mv_x,y\n$a$;$b$,1\n")).to.deep.equal({ fields: ["__mv_x", "y"], rows: [["$a$;$b$", "1"]] });
  });

  it("reads embedded commas, doubled quotes and newlines inside quoted values", () => {
    expect(decodeCsv('a,b\n"x, ""y""\nz",2\n"",""""\n').rows).to.deep.equal([
      ['x, "y"\nz', "2"],
      ["", '"'],
    ]);
  });

  it("accepts \\r\\n line ends, keeping \\r\\n inside quoted values", () => {
    expect(decodeCsv('a,b\r\n1,"x\r\ny"\r\n3,4\r\n').rows).to.deep.equal([
      ["1", "x\r\ny"],
      ["3", "4"],
    ]);
  });

  it("reads a trailing empty field (the reduce input of sum.reduce.input)", () => {
    expect(decodeCsv('total,"__mv_total"\n"2147943.07811",\n')).to.deep.equal({ fields: ["total"], rows: [["2147943.07811"]] });
  });

  it("pads a short row with empty cells, skips blank lines, and needs no final newline", () => {
    expect(decodeCsv("a,b,c\n1\n\n\r\n4,5,6").rows).to.deep.equal([
      ["1", "", ""],
      ["4", "5", "6"],
    ]);
  });

  it("header-only and empty bodies", () => {
    expect(decodeCsv('a,"__mv_a"\n')).to.deep.equal({ fields: ["a"], rows: [] });
    expect(decodeCsv("a,b")).to.deep.equal({ fields: ["a", "b"], rows: [] });
    expect(decodeCsv("")).to.deep.equal({ fields: [], rows: [] });
  });

  it("rejects malformed CSV with a ProtocolError naming the row", () => {
    expect(csvError('a\n"open\n')).to.equal("CSV row 1: a quoted value is never closed");
    expect(csvError('a\n1\n"x"y\n')).to.equal("CSV row 2: text after a closing quote");
  });
});

describe("scp csv: multivalue encoding", () => {
  it("doubles $ inside values and separates values with ;", () => {
    expect(encodeMultivalue(["a$b", "$$", ""])).to.equal("$a$$b$;$$$$$$;$$");
    expect(decodeMultivalue("$a$$b$;$$$$$$;$$")).to.deep.equal(["a$b", "$$", ""]);
    expect(decodeMultivalue("$$;$x$")).to.deep.equal(["", "x"]);
  });

  it("returns null for text not in that form", () => {
    for (const text of ["x", "$a", "$a$b$", "$a$;b", "$a$$"]) expect(decodeMultivalue(text), text).to.equal(null);
  });
});

describe("scp csv: encodeCsv", () => {
  it("quotes only values that need it, doubling quotes; \\n line ends", () => {
    const table = { fields: ["a", "b,c"], rows: [['say "hi"', "x\ny"], ["", "\r"], ["plain $;", "ท😀"]] };
    expect(encodeCsv(table)).to.equal('a,"b,c"\n"say ""hi""","x\ny"\n,"\r"\nplain $;,ท😀\n');
  });

  it("adds an __mv_ twin, after the plain fields, only for fields holding a multivalue", () => {
    const table = {
      fields: ["a", "b", "c"],
      rows: [
        [["1", "2"], "x", ["$5", "y"]],
        ["3", [], ["z"]],
      ],
    };
    expect(encodeCsv(table)).to.equal('a,b,c,__mv_a,__mv_c\n"1\n2",x,"$5\ny",$1$;$2$,$$$5$;$y$\n3,,z,,\n');
  });

  it("re-encodes splunkd's _si multivalue", () => {
    const table = { fields: ["_si", "host"], rows: [[["FIREFLY-WIN", "beatles"], "h1"]] };
    expect(encodeCsv(table)).to.equal('_si,host,__mv__si\n"FIREFLY-WIN\nbeatles",h1,$FIREFLY-WIN$;$beatles$\n');
  });

  it("a header-only table", () => {
    expect(encodeCsv({ fields: ["x", "_chunked_idx"], rows: [] })).to.equal("x,_chunked_idx\n");
  });

  // Regression: it was "\n", a body of one blank line, where splunklib replies with an empty body.
  it("a table with no fields encodes as an empty body", () => {
    expect(encodeCsv({ fields: [], rows: [] })).to.equal("");
  });

  // Regression: written unquoted, the row is a blank line that every reader (decodeCsv included)
  // skips, so the row was lost; Python's csv writer quotes it as "".
  it("keeps a one-field row with an empty value (written as \"\")", () => {
    const table = { fields: ["a"], rows: [[""], ["x"]] };
    expect(encodeCsv(table)).to.equal('a\n""\nx\n');
    expect(decodeCsv(encodeCsv(table))).to.deep.equal(table);
  });
});

describe("scp csv: parseCsvRows", () => {
  it("returns the header and every record as raw strings, twins included", () => {
    expect(parseCsvRows('"_si","__mv__si"\n"a\nb","$a$;$b$"\n')).to.deep.equal([
      ["_si", "__mv__si"],
      ["a\nb", "$a$;$b$"],
    ]);
    expect(parseCsvRows("")).to.deep.equal([]);
  });
});
