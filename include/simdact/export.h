/* Symbol visibility for the simdact library. */
#ifndef SIMDACT_EXPORT_H_
#define SIMDACT_EXPORT_H_

#if defined(SIMDACT_SHARED_LIBRARY)
#if defined(_WIN32)
#if defined(SIMDACT_BUILDING_LIBRARY)
#define SIMDACT_API __declspec(dllexport)
#else
#define SIMDACT_API __declspec(dllimport)
#endif
#else
#define SIMDACT_API __attribute__((visibility("default")))
#endif
#else
#define SIMDACT_API
#endif

#endif /* SIMDACT_EXPORT_H_ */
