//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "compiler/support/Npy.h"

#include "dialects/kiln/ElementTypes.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kiln {

namespace {
/// The value of `key` in the header dict, as raw text up to the next
/// top-level comma or closing brace.
bool headerValue(const std::string &header, const std::string &key, std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t i = colon + 1;
  while (i < header.size() && std::isspace(static_cast<unsigned char>(header[i])))
    ++i;
  int depth = 0;
  size_t start = i;
  for (; i < header.size(); ++i) {
    char c = header[i];
    if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  value = header.substr(start, i - start);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.pop_back();
  return true;
}
} // namespace

uint64_t NpyArray::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d);
  return n;
}

std::string npyDescr(uint32_t dtype) {
  const ElementType *e = elementTypeOfAbiDtype(dtype);
  if (!e || !*e->npyCode)
    return "";
  return std::string(e->size == 1 ? "|" : "<") + e->npyCode;
}

std::string describeArray(uint32_t dtype, const std::vector<int64_t> &shape) {
  const ElementType *e = elementTypeOfAbiDtype(dtype);
  std::string s = e ? e->name : "unknown";
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool parseNpy(const std::string &bytes, NpyArray &out, std::string &error) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) {
    error = "not a .npy file (bad magic)";
    return false;
  }
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (offset + headerLen > bytes.size()) {
    error = "truncated .npy header";
    return false;
  }
  std::string header = bytes.substr(offset, headerLen);
  std::string descr, fortran, shape;
  if (!headerValue(header, "descr", descr) || !headerValue(header, "fortran_order", fortran) ||
      !headerValue(header, "shape", shape)) {
    error = "malformed .npy header: " + header;
    return false;
  }
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"')) {
    error = "unsupported .npy dtype " + descr;
    return false;
  }
  descr = descr.substr(1, descr.size() - 2);
  if (descr.empty() || descr[0] == '>') {
    error = "big-endian .npy data ('" + descr + "') is not supported";
    return false;
  }
  std::string code =
      (descr[0] == '<' || descr[0] == '|' || descr[0] == '=') ? descr.substr(1) : descr;
  const ElementType *element = elementTypeOfNpyCode(code);
  out.dtype = element ? element->abiDtype : 0;
  if (!out.dtype) {
    error = "unsupported .npy dtype '" + descr + "'";
    return false;
  }
  if (fortran != "False") {
    error = "Fortran-ordered .npy data is not supported";
    return false;
  }
  out.shape.clear();
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') {
    error = "malformed .npy shape " + shape;
    return false;
  }
  std::stringstream dims(shape.substr(1, shape.size() - 2));
  std::string item;
  while (std::getline(dims, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b == std::string::npos)
      continue;
    item = item.substr(b, e - b + 1);
    char *end = nullptr;
    long long v = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || v < 0) {
      error = "malformed .npy shape " + shape;
      return false;
    }
    out.shape.push_back(v);
  }
  uint64_t expected = out.numElements() * element->size;
  size_t dataOffset = offset + headerLen;
  if (bytes.size() - dataOffset != expected) {
    error = "the .npy data holds " + std::to_string(bytes.size() - dataOffset) +
            " bytes, its header describes " + std::to_string(expected);
    return false;
  }
  out.data.assign(bytes.begin() + dataOffset, bytes.end());
  return true;
}

bool readNpyFile(const std::string &path, NpyArray &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parseNpy(buffer.str(), out, error);
}

std::string serializeNpy(const NpyArray &array) {
  std::string header =
      "{'descr': '" + npyDescr(array.dtype) + "', 'fortran_order': False, " + "'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += std::to_string(array.shape[i]) +
              (array.shape.size() == 1 ? "," : (i + 1 < array.shape.size() ? ", " : ""));
  header += "), }";
  // Pad with spaces so the data starts on a 64-byte boundary; end with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(array.data.begin(), array.data.end());
  return out;
}

bool writeNpyFile(const std::string &path, const NpyArray &array, std::string &error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot create";
    return false;
  }
  std::string bytes = serializeNpy(array);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    error = "write failed";
    return false;
  }
  return true;
}

} // namespace kiln
