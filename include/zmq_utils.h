/*
    zmq_utils.h: kept for programs that still include it. Everything it once declared is in
    zmq.h now, which this header includes.
*/
#ifndef __ZMQ_UTILS_H_INCLUDED__
#define __ZMQ_UTILS_H_INCLUDED__

#if defined(__GNUC__) || defined(__clang__)
#pragma message("zmq_utils.h is deprecated: include zmq.h instead")
#endif

#include "zmq.h"

#endif
